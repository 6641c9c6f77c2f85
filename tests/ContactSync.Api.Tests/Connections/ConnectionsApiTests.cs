using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContactSync.Api.Tests.Support;
using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Sync;
using ContactSync.EventStore;
using static ContactSync.Api.Tests.Connections.ConnectionTestSupport;

namespace ContactSync.Api.Tests.Connections;

[Collection(ApiCollection.Name)]
public sealed class ConnectionsApiTests(ApiFixture api) : IAsyncLifetime
{
    private readonly ConnectionTestSupport support = new(api);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await support.DisposeAsync();

    private sealed record Setup(TenantHandle Tenant, UserHandle User, Guid AccountId, string Email, Guid ListId);

    private async Task<Setup> SetupAsync()
    {
        var tenant = await api.NewTenantAsync();
        var user = await support.NewUserAsync(tenant);
        var (account, email) = await support.ConnectAccountAsync(user);
        var list = await NewListAsync(user.Client, "Customers " + Guid.NewGuid().ToString("N")[..6]);
        return new Setup(tenant, user, account, email, list);
    }

    private static object ListBody(Setup s, object? group = null) => new { accountId = s.AccountId, scope = "list", listId = s.ListId, group };

    [Fact]
    public async Task A_new_list_connection_is_ready_with_the_default_settings_and_a_group_named_after_the_list()
    {
        var s = await SetupAsync();
        var res = await CreateAsync(s.User.Client, ListBody(s));
        var c = await TestApi.ReadAsync(res, HttpStatusCode.Created);
        var id = c.GetProperty("id").GetGuid();
        Assert.Equal($"/api/connections/{id}", res.Headers.Location?.OriginalString);
        Assert.Equal("\"0\"", res.Headers.ETag?.Tag);
        Assert.True(res.Headers.Contains("X-Log-Position"));
        Assert.Equal(s.AccountId, c.GetProperty("accountId").GetGuid());
        Assert.Equal("list", c.GetProperty("scope").GetString());
        Assert.Equal(s.ListId, c.GetProperty("listId").GetGuid());
        Assert.Equal(JsonValueKind.Null, c.GetProperty("group").GetProperty("id").ValueKind);
        var list = await TestApi.ReadAsync(await s.User.Client.GetAsync($"/api/lists/{s.ListId}"), HttpStatusCode.OK);
        Assert.Equal(list.GetProperty("name").GetString(), c.GetProperty("group").GetProperty("name").GetString());
        Assert.Equal(["two-way", "keep", "last-writer-wins", "owner", "email"],
            new[] { "direction", "providerDeletes", "conflicts", "visibility", "matchBy" }.Select(p => c.GetProperty(p).GetString()));
        Assert.Equal(60, c.GetProperty("pollSeconds").GetInt32());
        Assert.Equal("ready", c.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, c.GetProperty("progress").ValueKind);
        Assert.Equal(JsonValueKind.Null, c.GetProperty("lastSyncAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, c.GetProperty("lastError").ValueKind);
        Assert.Equal(0, c.GetProperty("counts").GetProperty("linked").GetInt32());
        Assert.Equal(0, c.GetProperty("counts").GetProperty("conflicts").GetInt32());
        Assert.Equal("google", c.GetProperty("provider").GetString());

        var read = await TestApi.ReadAsync(await s.User.Client.GetAsync($"/api/connections/{id}"), HttpStatusCode.OK);
        Assert.Equal(c.ToString(), read.ToString());
        var created = Assert.Single(await support.EventsAsync(StreamNames.Connection(id)));
        Assert.Equal("ConnectionCreated.v1", created.Type);
        Assert.Equal(s.User.UserId.ToString(), created.Data.GetProperty("actor").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Settings_given_on_create_are_kept_and_an_owned_connection_defaults_its_group_name()
    {
        var s = await SetupAsync();
        var c = await CreatedAsync(s.User.Client, new
        {
            accountId = s.AccountId, scope = "owned", direction = "from-provider", providerDeletes = "delete", conflicts = "crm-wins",
            visibility = "owner-role-and-below", matchBy = "none", pollSeconds = 15,
        });
        Assert.Equal(["from-provider", "delete", "crm-wins", "owner-role-and-below", "none"],
            new[] { "direction", "providerDeletes", "conflicts", "visibility", "matchBy" }.Select(p => c.GetProperty(p).GetString()));
        Assert.Equal(15, c.GetProperty("pollSeconds").GetInt32());
        Assert.Equal("owned", c.GetProperty("scope").GetString());
        Assert.Equal(JsonValueKind.Null, c.GetProperty("listId").ValueKind);
        Assert.Equal("ContactSync", c.GetProperty("group").GetProperty("name").GetString());

        var named = await CreatedAsync(s.User.Client, new { accountId = s.AccountId, scope = "owned", group = new { name = "  From the CRM " } });
        Assert.Equal("From the CRM", named.GetProperty("group").GetProperty("name").GetString());
        // An existing group is checked at the provider and shown with the provider's name.
        var friends = await support.NewGoogleGroupAsync(s.Email, "Book club");
        var existing = await CreatedAsync(s.User.Client, new { accountId = s.AccountId, scope = "owned", group = new { id = friends, name = "Ignored" } });
        Assert.Equal(friends, existing.GetProperty("group").GetProperty("id").GetString());
        Assert.Equal("Book club", existing.GetProperty("group").GetProperty("name").GetString());
        await TestApi.ValidationAsync(await CreateAsync(s.User.Client, new { accountId = s.AccountId, scope = "owned", group = new { id = "contactGroups/0bad" } }),
            "group.id");
    }

    [Fact]
    public async Task Only_the_lists_creator_with_both_permissions_may_sync_it_with_an_account_of_their_own()
    {
        var s = await SetupAsync();
        var other = await support.NewUserAsync(s.Tenant);
        var (otherAccount, _) = await support.ConnectAccountAsync(other);
        var admin = await support.NewUserAsync(s.Tenant, isAdmin: true);
        var (adminAccount, _) = await support.ConnectAccountAsync(admin);

        // Planfix rule 1: another user, or an admin, may not sync the creator's list.
        await Forbidden(other.Client, new { accountId = otherAccount, scope = "list", listId = s.ListId });
        await Forbidden(admin.Client, new { accountId = adminAccount, scope = "list", listId = s.ListId });
        // Pipedrive: both permissions.
        foreach (var permissions in new[] { new[] { "persons.add" }, ["organizations.add"], [] })
        {
            var lacking = await support.NewUserAsync(s.Tenant, permissions);
            var (account, _) = await support.ConnectAccountAsync(lacking);
            await Forbidden(lacking.Client, new { accountId = account, scope = "owned" });
        }
        // Another user's account, another tenant's account or list, a missing one: 404 as if missing.
        var elsewhere = await SetupAsync();
        await NotFound(s.User.Client, new { accountId = otherAccount, scope = "owned" }, "account");
        await NotFound(s.User.Client, new { accountId = elsewhere.AccountId, scope = "owned" }, "account");
        await NotFound(s.User.Client, new { accountId = Guid.NewGuid(), scope = "owned" }, "account");
        await NotFound(s.User.Client, new { accountId = s.AccountId, scope = "list", listId = elsewhere.ListId }, "list");
        await NotFound(s.User.Client, new { accountId = s.AccountId, scope = "list", listId = Guid.NewGuid() }, "list");
        await NotFound(elsewhere.Tenant.Admin, new { accountId = s.AccountId, scope = "owned" }, "account");

        // The creator may; so may an admin for their own list and account.
        await CreatedAsync(s.User.Client, ListBody(s));
        var adminList = await NewListAsync(admin.Client);
        await CreatedAsync(admin.Client, new { accountId = adminAccount, scope = "list", listId = adminList });
        Assert.Empty(await ConnectionsOf(other.Client));
    }

    [Fact]
    public async Task An_account_that_needs_reauth_or_is_disconnected_cannot_get_a_connection()
    {
        var s = await SetupAsync();
        await support.AppendAsync(StreamNames.Account(s.AccountId),
            new Domain.Accounts.AccountEvent.AccountReauthRequired(s.Tenant.TenantId, s.AccountId, "refused", Actor.ForSystem("test"), DateTimeOffset.UtcNow));
        var p = await TestApi.ProblemAsync(await CreateAsync(s.User.Client, ListBody(s)), HttpStatusCode.Conflict);
        Assert.Equal("account.needs-reauth", p.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await s.User.Client.DeleteAsync($"/api/accounts/{s.AccountId}")).StatusCode);
        p = await TestApi.ProblemAsync(await CreateAsync(s.User.Client, ListBody(s)), HttpStatusCode.Conflict);
        Assert.Equal("account.disconnected", p.GetProperty("code").GetString());
        Assert.Empty(await ConnectionsOf(s.User.Client));
    }

    [Fact]
    public async Task The_lifecycle_runs_start_sync_pause_resume_settings_disconnect_and_refuses_impossible_steps()
    {
        var s = await SetupAsync();
        var id = (await CreatedAsync(s.User.Client, ListBody(s))).GetProperty("id").GetGuid();
        var c = s.User.Client;
        foreach (var step in new[] { "sync", "pause", "resume", "confirm-deletes" }) await Refused(c, id, step, "connection.not-started");

        Assert.Equal("starting", await Step(c, id, "start", HttpStatusCode.Accepted));
        await Refused(c, id, "start", "connection.already-started");
        Assert.Equal("starting", await Step(c, id, "sync", HttpStatusCode.Accepted));
        await Refused(c, id, "resume", "connection.not-paused");
        await Refused(c, id, "confirm-deletes", "connection.no-pending-deletes");
        Assert.Equal("paused", await Step(c, id, "pause", HttpStatusCode.OK));
        await Refused(c, id, "pause", "connection.already-paused");
        await Refused(c, id, "sync", "connection.paused");
        await Refused(c, id, "confirm-deletes", "connection.no-pending-deletes");
        Assert.Equal("starting", await Step(c, id, "resume", HttpStatusCode.OK));

        var patched = await TestApi.ReadAsync(await c.PatchJsonAsync($"/api/connections/{id}", new { direction = "to-provider", pollSeconds = 120 }), HttpStatusCode.OK);
        Assert.Equal("to-provider", patched.GetProperty("direction").GetString());
        Assert.Equal(120, patched.GetProperty("pollSeconds").GetInt32());
        Assert.Equal("keep", patched.GetProperty("providerDeletes").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await c.DeleteAsync($"/api/connections/{id}")).StatusCode);
        var gone = await TestApi.ReadAsync(await c.GetAsync($"/api/connections/{id}"), HttpStatusCode.OK);
        Assert.Equal("disconnected", gone.GetProperty("state").GetString());
        foreach (var step in new[] { "start", "sync", "pause", "resume", "confirm-deletes" }) await Refused(c, id, step, "connection.disconnected");
        var p = await TestApi.ProblemAsync(await c.PatchJsonAsync($"/api/connections/{id}", new { pollSeconds = 90 }), HttpStatusCode.Conflict);
        Assert.Equal("connection.disconnected", p.GetProperty("code").GetString());
        p = await TestApi.ProblemAsync(await c.DeleteAsync($"/api/connections/{id}"), HttpStatusCode.Conflict);
        Assert.Equal("connection.disconnected", p.GetProperty("code").GetString());

        var events = await support.EventsAsync(StreamNames.Connection(id));
        Assert.Equal(["ConnectionCreated.v1", "ConnectionStarted.v1", "ConnectionSyncRequested.v1", "ConnectionPaused.v1", "ConnectionResumed.v1",
            "ConnectionSettingsChanged.v1", "ConnectionDisconnected.v1"], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal(s.User.UserId.ToString(), e.Data.GetProperty("actor").GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Deletes_held_by_the_mass_delete_guard_are_confirmed_by_the_user()
    {
        var s = await SetupAsync();
        var id = (await CreatedAsync(s.User.Client, ListBody(s))).GetProperty("id").GetGuid();
        await Step(s.User.Client, id, "start", HttpStatusCode.Accepted);
        var position = await support.AppendAsync(StreamNames.Connection(id), ExpectedRevision.Exact(1),
            new ConnectionEvent.ConnectionPaused(s.Tenant.TenantId, id, PauseReason.MassDelete, "30 of 100", Actor.ForConnection(id, "worker"), DateTimeOffset.UtcNow));
        var paused = await TestApi.ReadAsync(await s.User.Client.GetAsync($"/api/connections/{id}?minPosition={position.Commit}.{position.Prepare}"), HttpStatusCode.OK);
        Assert.Equal("paused", paused.GetProperty("state").GetString());
        Assert.Equal("mass-delete", paused.GetProperty("pausedFor").GetString());
        Assert.Equal("starting", await Step(s.User.Client, id, "confirm-deletes", HttpStatusCode.OK));
        Assert.Equal("ConnectionDeletesConfirmed.v1", (await support.EventsAsync(StreamNames.Connection(id)))[^1].Type);
    }

    [Fact]
    public async Task A_connection_is_visible_to_its_user_and_the_admins_only()
    {
        var s = await SetupAsync();
        var id = (await CreatedAsync(s.User.Client, ListBody(s))).GetProperty("id").GetGuid();
        var other = await support.NewUserAsync(s.Tenant);
        var stranger = await SetupAsync();

        foreach (var client in new[] { other.Client, stranger.User.Client, stranger.Tenant.Admin })
        {
            await TestApi.ProblemAsync(await client.GetAsync($"/api/connections/{id}"), HttpStatusCode.NotFound);
            await TestApi.ProblemAsync(await client.PostAsync($"/api/connections/{id}/start", null), HttpStatusCode.NotFound);
            await TestApi.ProblemAsync(await client.PatchJsonAsync($"/api/connections/{id}", new { pollSeconds = 90 }), HttpStatusCode.NotFound);
            await TestApi.ProblemAsync(await client.DeleteAsync($"/api/connections/{id}"), HttpStatusCode.NotFound);
            Assert.DoesNotContain(id, (await ConnectionsOf(client)).Select(e => e.GetProperty("id").GetGuid()));
        }
        Assert.Single(await support.EventsAsync(StreamNames.Connection(id)));

        Assert.Contains(id, (await ConnectionsOf(s.Tenant.Admin)).Select(e => e.GetProperty("id").GetGuid()));
        Assert.Equal("starting", await Step(s.Tenant.Admin, id, "start", HttpStatusCode.Accepted));
        Assert.Equal(s.Tenant.AdminId.ToString(), (await support.EventsAsync(StreamNames.Connection(id)))[^1].Data.GetProperty("actor").GetProperty("id").GetString());
    }

    [Fact]
    public async Task One_provider_group_is_synced_by_one_active_connection_at_a_time()
    {
        var s = await SetupAsync();
        var first = await CreatedAsync(s.User.Client, new { accountId = s.AccountId, scope = "owned", group = new { name = "Team" } });
        var p = await TestApi.ProblemAsync(await CreateAsync(s.User.Client, new { accountId = s.AccountId, scope = "owned", group = new { name = " team " } }),
            HttpStatusCode.Conflict);
        Assert.Equal("connection.group-taken", p.GetProperty("code").GetString());
        var list = await NewListAsync(s.User.Client, "Team");
        p = await TestApi.ProblemAsync(await CreateAsync(s.User.Client, new { accountId = s.AccountId, scope = "list", listId = list }), HttpStatusCode.Conflict);
        Assert.Equal("connection.group-taken", p.GetProperty("code").GetString());

        var groupId = await support.NewGoogleGroupAsync(s.Email, "Existing");
        await CreatedAsync(s.User.Client, new { accountId = s.AccountId, scope = "owned", group = new { id = groupId } });
        p = await TestApi.ProblemAsync(await CreateAsync(s.User.Client, new { accountId = s.AccountId, scope = "list", listId = s.ListId, group = new { id = groupId } }),
            HttpStatusCode.Conflict);
        Assert.Equal("connection.group-taken", p.GetProperty("code").GetString());

        // Another account of the same user has groups of its own.
        var (second, _) = await support.ConnectAccountAsync(s.User, "microsoft");
        await CreatedAsync(s.User.Client, new { accountId = second, scope = "owned", group = new { name = "Team" } });

        // Disconnecting frees the group.
        Assert.Equal(HttpStatusCode.NoContent, (await s.User.Client.DeleteAsync($"/api/connections/{first.GetProperty("id")}")).StatusCode);
        await CreatedAsync(s.User.Client, new { accountId = s.AccountId, scope = "owned", group = new { name = "TEAM" } });
    }

    [Fact]
    public async Task Two_concurrent_creates_for_one_group_make_one_connection()
    {
        var s = await SetupAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CreateAsync(s.User.Client, ListBody(s))));
        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(3, results.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Single(await ConnectionsOf(s.User.Client));
    }

    public static TheoryData<string, string> InvalidCreates => new()
    {
        { """{"scope":"owned"}""", "accountId" },
        { """{"accountId":"nope","scope":"owned"}""", "accountId" },
        { """{"accountId":42,"scope":"owned"}""", "accountId" },
        { """{"accountId":"$account"}""", "scope" },
        { """{"accountId":"$account","scope":"everything"}""", "scope" },
        { """{"accountId":"$account","scope":"list"}""", "listId" },
        { """{"accountId":"$account","scope":"list","listId":"x"}""", "listId" },
        { """{"accountId":"$account","scope":"owned","listId":"$list"}""", "listId" },
        { """{"accountId":"$account","scope":"owned","group":"Team"}""", "group" },
        { """{"accountId":"$account","scope":"owned","group":{"id":7}}""", "group.id" },
        { """{"accountId":"$account","scope":"owned","group":{"id":"  "}}""", "group.id" },
        { """{"accountId":"$account","scope":"owned","group":{"name":""}}""", "group.name" },
        { """{"accountId":"$account","scope":"owned","group":{"name":["a"]}}""", "group.name" },
        { """{"accountId":"$account","scope":"owned","group":{"color":"red"}}""", "group.color" },
        { """{"accountId":"$account","scope":"owned","direction":"sideways"}""", "direction" },
        { """{"accountId":"$account","scope":"owned","direction":"TWO-WAY"}""", "direction" },
        { """{"accountId":"$account","scope":"owned","providerDeletes":1}""", "providerDeletes" },
        { """{"accountId":"$account","scope":"owned","conflicts":null}""", "conflicts" },
        { """{"accountId":"$account","scope":"owned","visibility":"everyone"}""", "visibility" },
        { """{"accountId":"$account","scope":"owned","matchBy":"phone"}""", "matchBy" },
        { """{"accountId":"$account","scope":"owned","pollSeconds":14}""", "pollSeconds" },
        { """{"accountId":"$account","scope":"owned","pollSeconds":86401}""", "pollSeconds" },
        { """{"accountId":"$account","scope":"owned","pollSeconds":60.5}""", "pollSeconds" },
        { """{"accountId":"$account","scope":"owned","pollSeconds":"60"}""", "pollSeconds" },
        { """{"accountId":"$account","scope":"owned","pollSeconds":1e100}""", "pollSeconds" },
        { """{"accountId":"$account","scope":"owned","state":"syncing"}""", "state" },
        { "[]", "" },
    };

    [Theory]
    [MemberData(nameof(InvalidCreates))]
    public async Task Every_field_of_a_create_is_validated(string body, string field)
    {
        var s = await api.SharedAsync("connections-validation", SetupAsync);
        var json = body.Replace("$account", s.AccountId.ToString()).Replace("$list", s.ListId.ToString());
        await TestApi.ValidationAsync(await s.User.Client.SendAsync(TestApi.Request(HttpMethod.Post, "/api/connections", json)), field);
        Assert.Empty(await ConnectionsOf(s.User.Client));
    }

    public static TheoryData<string, string> InvalidPatches => new()
    {
        { """{"scope":"owned"}""", "scope" },
        { """{"accountId":"$account"}""", "accountId" },
        { """{"listId":null}""", "listId" },
        { """{"group":{"name":"x"}}""", "group" },
        { """{"direction":"both"}""", "direction" },
        { """{"providerDeletes":"purge"}""", "providerDeletes" },
        { """{"conflicts":"crm"}""", "conflicts" },
        { """{"visibility":"owner_role"}""", "visibility" },
        { """{"matchBy":true}""", "matchBy" },
        { """{"pollSeconds":0}""", "pollSeconds" },
        { """{"pollSeconds":-15}""", "pollSeconds" },
        { """{"nope":1}""", "nope" },
        { "\"pollSeconds\"", "" },
    };

    [Theory]
    [MemberData(nameof(InvalidPatches))]
    public async Task Every_setting_of_a_patch_is_validated_and_nothing_changes(string body, string field)
    {
        var s = await api.SharedAsync("connections-patch-validation", SetupAsync);
        var id = (await api.SharedAsync("connections-patch-validation-id",
            async () => await CreatedAsync(s.User.Client, ListBody(s)) as object)) is JsonElement e ? e.GetProperty("id").GetGuid() : default;
        var json = body.Replace("$account", s.AccountId.ToString());
        await TestApi.ValidationAsync(await s.User.Client.SendAsync(TestApi.Request(HttpMethod.Patch, $"/api/connections/{id}", json)), field);
        Assert.Single(await support.EventsAsync(StreamNames.Connection(id)));
    }

    [Fact]
    public async Task Hostile_requests_get_a_problem_and_change_nothing()
    {
        var s = await SetupAsync();
        var id = (await CreatedAsync(s.User.Client, ListBody(s))).GetProperty("id").GetGuid();
        var c = s.User.Client;
        var url = $"/api/connections/{id}";

        await TestApi.ProblemAsync(await c.SendAsync(TestApi.Request(HttpMethod.Post, "/api/connections", "{\"accountId\":")), HttpStatusCode.BadRequest);
        await TestApi.ProblemAsync(await c.SendAsync(TestApi.Request(HttpMethod.Patch, url, "{pollSeconds: 90}")), HttpStatusCode.BadRequest);
        await TestApi.ProblemAsync(await c.SendAsync(TestApi.Request(HttpMethod.Patch, url, "{\"group\":{\"name\":\"\\ud800\"}}")), HttpStatusCode.BadRequest);
        await TestApi.ProblemAsync(await c.SendAsync(TestApi.Request(HttpMethod.Post, "/api/connections", "{}", contentType: "text/plain")),
            HttpStatusCode.UnsupportedMediaType);
        var huge = "{\"accountId\":\"" + new string('a', 2 * 1024 * 1024) + "\"}";
        var tooLarge = TestApi.Request(HttpMethod.Post, "/api/connections", huge);
        // The server refuses an oversized body without reading it; asking first (100-continue) reads that 413.
        tooLarge.Headers.ExpectContinue = true;
        await TestApi.ProblemAsync(await c.SendAsync(tooLarge), HttpStatusCode.RequestEntityTooLarge);
        var deep = string.Concat(Enumerable.Repeat("{\"group\":", 100)) + "1" + new string('}', 100);
        await TestApi.ProblemAsync(await c.SendAsync(TestApi.Request(HttpMethod.Patch, url, deep)), HttpStatusCode.BadRequest);

        foreach (var missing in new[] { Guid.NewGuid().ToString(), "not-a-guid" })
        {
            await TestApi.ProblemAsync(await c.GetAsync($"/api/connections/{missing}"), HttpStatusCode.NotFound);
            foreach (var step in new[] { "start", "sync", "pause", "resume", "confirm-deletes" })
                await TestApi.ProblemAsync(await c.PostAsync($"/api/connections/{missing}/{step}", null), HttpStatusCode.NotFound);
            await TestApi.ProblemAsync(await c.PatchJsonAsync($"/api/connections/{missing}", new { pollSeconds = 90 }), HttpStatusCode.NotFound);
            await TestApi.ProblemAsync(await c.DeleteAsync($"/api/connections/{missing}"), HttpStatusCode.NotFound);
        }

        await TestApi.ProblemAsync(await c.SendAsync(TestApi.Request(HttpMethod.Patch, url, "{\"pollSeconds\":90}", ifMatch: "\"7\"")), HttpStatusCode.PreconditionFailed);
        await TestApi.ProblemAsync(await c.SendAsync(TestApi.Request(HttpMethod.Post, url + "/start", ifMatch: "garbage")), HttpStatusCode.PreconditionFailed);
        await TestApi.ProblemAsync(await c.SendAsync(TestApi.Request(HttpMethod.Delete, url, ifMatch: "\"3\"")), HttpStatusCode.PreconditionFailed);
        await TestApi.ValidationAsync(await c.GetAsync("/api/connections?limit=0"), "limit");
        await TestApi.ValidationAsync(await c.GetAsync("/api/connections?cursor=%%%"), "cursor");
        await TestApi.ValidationAsync(await c.GetAsync($"{url}?minPosition=yesterday"), "minPosition");
        await TestApi.ProblemAsync(await api.Anonymous.GetAsync("/api/connections"), HttpStatusCode.Unauthorized);
        await TestApi.ProblemAsync(await api.Operator.GetAsync("/api/connections"), HttpStatusCode.Forbidden);

        Assert.Single(await support.EventsAsync(StreamNames.Connection(id)));
        var after = await TestApi.ReadAsync(await c.GetAsync(url), HttpStatusCode.OK);
        Assert.Equal(["ready", "0"], [after.GetProperty("state").GetString()!, after.GetProperty("version").GetInt64().ToString()]);

        var ok = await c.SendAsync(TestApi.Request(HttpMethod.Post, url + "/start", ifMatch: "\"0\""));
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        Assert.Equal("\"1\"", ok.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task The_connection_shows_what_its_worker_and_its_account_report()
    {
        var s = await SetupAsync();
        var id = (await CreatedAsync(s.User.Client, ListBody(s))).GetProperty("id").GetGuid();
        await Step(s.User.Client, id, "start", HttpStatusCode.Accepted);
        var run = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        var sync = StreamNames.ConnectionSync(id);
        var position = await support.AppendAsync(sync, ExpectedRevision.NoStream, new SyncEvent.SyncRunStarted(s.Tenant.TenantId, id, run, RunKind.FirstSync, now),
            new SyncEvent.SyncRunProgressed(s.Tenant.TenantId, id, run, "importing", 40, 120, now),
            new SyncEvent.ContactLinked(s.Tenant.TenantId, id, run, Guid.NewGuid(), "people/c1", "e1", Domain.Contacts.ContactFields.Empty, false, now));
        var c = await ReadAtAsync(s.User.Client, id, position);
        Assert.Equal("syncing", c.GetProperty("state").GetString());
        Assert.Equal("""{"phase":"importing","done":40,"total":120}""", c.GetProperty("progress").GetRawText());
        Assert.Equal(1, c.GetProperty("counts").GetProperty("linked").GetInt32());

        position = await support.AppendAsync(sync, ExpectedRevision.Exact(2),
            new SyncEvent.SyncRunFailed(s.Tenant.TenantId, id, run, RunCounts.Zero, "Google kept answering 503.", now.AddSeconds(3)));
        c = await ReadAtAsync(s.User.Client, id, position);
        Assert.Equal("idle", c.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, c.GetProperty("progress").ValueKind);
        Assert.Equal("Google kept answering 503.", c.GetProperty("lastError").GetString());
        Assert.Equal(now.AddSeconds(3).ToUnixTimeMilliseconds(), c.GetProperty("lastSyncAt").GetDateTimeOffset().ToUnixTimeMilliseconds());

        position = await support.AppendAsync(StreamNames.Account(s.AccountId),
            new Domain.Accounts.AccountEvent.AccountReauthRequired(s.Tenant.TenantId, s.AccountId, "Google refused the grant.", Actor.ForSystem("test"), now));
        c = await ReadAtAsync(s.User.Client, id, position);
        Assert.Equal("needs-reauth", c.GetProperty("state").GetString());
        Assert.Equal("Google refused the grant.", c.GetProperty("lastError").GetString());
    }

    [Fact]
    public async Task Disconnecting_an_account_ends_its_connections_and_frees_their_groups()
    {
        var s = await SetupAsync();
        var id = (await CreatedAsync(s.User.Client, ListBody(s))).GetProperty("id").GetGuid();
        await Step(s.User.Client, id, "start", HttpStatusCode.Accepted);
        var res = await s.User.Client.DeleteAsync($"/api/accounts/{s.AccountId}");
        Assert.Equal(HttpStatusCode.NoContent, res.StatusCode);
        var position = res.Headers.GetValues("X-Log-Position").Single();
        var shown = await TestApi.ReadAsync(await s.User.Client.GetAsync($"/api/connections/{id}?minPosition={position}"), HttpStatusCode.OK);
        Assert.Equal("disconnected", shown.GetProperty("state").GetString());
        // The DELETE itself ended the connection, with the caller as actor; steps on it are refused from now on.
        var ended = Assert.Single(await support.EventsAsync(StreamNames.Connection(id)), e => e.Type.StartsWith("ConnectionDisconnected"));
        Assert.Equal(s.User.UserId.ToString(), ended.Data.GetProperty("actor").GetProperty("id").GetString());
        await Refused(s.User.Client, id, "sync", "connection.disconnected");

        // The hook is idempotent: a second pass (a retried request) appends nothing.
        var caller = new ContactSync.Api.Auth.Caller(s.Tenant.TenantId, s.User.UserId, "test", null, false, false);
        await using var db = new ContactSync.Api.Infrastructure.ReadModelDb(ContactSync.Api.Infrastructure.ReadModelDb.Create(api.ConnectionString));
        var reads = new ContactSync.Api.Connections.ConnectionReads(db);
        await ContactSync.Api.Connections.ConnectionsApi.DisconnectConnectionsOfAccountAsync(support.Store, reads, caller, s.AccountId, DateTimeOffset.UtcNow, 5, default);
        Assert.Single(await support.EventsAsync(StreamNames.Connection(id)), e => e.Type.StartsWith("ConnectionDisconnected"));
        var reservation = ContactSync.Api.Connections.GroupReservations.StreamOf(s.Tenant.TenantId, s.AccountId,
            ContactSync.Api.Connections.GroupReservations.KeyOf(new GroupRef(null, shown.GetProperty("group").GetProperty("name").GetString()!)));
        Assert.Empty(await support.EventsAsync(reservation.ToString()));
    }

    [Fact]
    public async Task Every_connection_endpoint_is_documented()
    {
        var paths = (await TestApi.ReadAsync(await api.Anonymous.GetAsync("/openapi/v1.json"), HttpStatusCode.OK)).GetProperty("paths");
        foreach (var path in new[] { "/api/connections", "/api/connections/{id}", "/api/connections/{id}/start", "/api/connections/{id}/sync",
                     "/api/connections/{id}/pause", "/api/connections/{id}/resume", "/api/connections/{id}/confirm-deletes" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is documented");
        var patch = paths.GetProperty("/api/connections/{id}").GetProperty("patch");
        Assert.True(patch.GetProperty("responses").TryGetProperty("422", out _));
        Assert.True(patch.GetProperty("responses").TryGetProperty("412", out _));
        Assert.True(paths.GetProperty("/api/connections/{id}/start").GetProperty("post").GetProperty("responses").TryGetProperty("202", out _));
    }

    [Fact]
    public async Task The_dashboard_shows_runs_errors_and_conflicts_and_a_run_is_reverted_once_it_ended_and_only_once()
    {
        var s = await SetupAsync();
        var id = (await CreatedAsync(s.User.Client, ListBody(s))).GetProperty("id").GetGuid();
        var (run, failed, conflict) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var now = DateTimeOffset.UtcNow;
        var t = s.Tenant.TenantId;
        var counts = new RunCounts(2, 1, 0, 3, 0, 0, 5, 1, 0, new Dictionary<string, int> { ["changes"] = 1 });
        var position = await support.AppendAsync(StreamNames.ConnectionSync(id), ExpectedRevision.NoStream,
            new SyncEvent.SyncRunStarted(t, id, failed, RunKind.Pull, now.AddMinutes(-2)),
            new SyncEvent.SyncRunFailed(t, id, failed, RunCounts.Zero with { Errors = 1 }, "Google kept answering 503.", now.AddMinutes(-1)),
            new SyncEvent.SyncRunStarted(t, id, run, RunKind.SyncNow, now),
            new SyncEvent.ConflictRecorded(t, id, run, conflict, Guid.NewGuid(), "jobTitle", JsonSerializer.SerializeToElement("CTO"),
                JsonSerializer.SerializeToElement("CEO"), now, now, ConflictPolicy.LastWriterWins, SyncSide.Crm, now));
        var url = $"/api/connections/{id}";
        var d = await TestApi.ReadAsync(await s.User.Client.GetAsync($"{url}/dashboard?minPosition={position.Commit}.{position.Prepare}"), HttpStatusCode.OK);
        Assert.Equal(["ready", "running", "failed"], [d.GetProperty("state").GetString()!, .. d.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("state").GetString()!)]);
        Assert.Equal("Google kept answering 503.", Assert.Single(d.GetProperty("errors").EnumerateArray()).GetProperty("error").GetString());
        // The conflict's contact does not exist, so the user cannot see it: the conflict counts but shows no values.
        var shown = Assert.Single(d.GetProperty("conflicts").EnumerateArray());
        Assert.Equal(["jobTitle", "crm"], [shown.GetProperty("field").GetString()!, shown.GetProperty("winner").GetString()!]);
        Assert.True(shown.GetProperty("hidden").GetBoolean());
        Assert.Equal([JsonValueKind.Null, JsonValueKind.Null], [shown.GetProperty("crmValue").ValueKind, shown.GetProperty("providerValue").ValueKind]);
        // An admin sees every contact of the tenant, so every value.
        shown = Assert.Single((await TestApi.ReadAsync(await s.Tenant.Admin.GetAsync($"{url}/dashboard"), HttpStatusCode.OK)).GetProperty("conflicts").EnumerateArray());
        Assert.Equal(["jobTitle", "CTO", "CEO", "crm"], [shown.GetProperty("field").GetString()!, shown.GetProperty("crmValue").GetString()!,
            shown.GetProperty("providerValue").GetString()!, shown.GetProperty("winner").GetString()!]);
        Assert.False(shown.GetProperty("hidden").GetBoolean());

        // Not the business of another user; an admin sees it.
        var other = await support.NewUserAsync(s.Tenant);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"{url}/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.PostAsync($"{url}/runs/{failed}/revert", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Tenant.Admin.GetAsync($"{url}/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await s.User.Client.GetAsync($"/api/connections/{Guid.NewGuid()}/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await s.User.Client.GetAsync($"{url}/conflicts?state=some")).StatusCode);

        // A conflict whose contact is gone changes nothing.
        var apply = await s.User.Client.PostAsJsonAsync($"{url}/conflicts/{conflict}/apply", new { side = "provider" });
        Assert.Equal(HttpStatusCode.NotFound, apply.StatusCode);

        var p = await TestApi.ProblemAsync(await s.User.Client.PostAsync($"{url}/runs/{run}/revert", null), HttpStatusCode.Conflict);
        Assert.Equal("connection.run-running", p.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await s.User.Client.PostAsync($"{url}/runs/{Guid.NewGuid()}/revert", null)).StatusCode);
        position = await support.AppendAsync(StreamNames.ConnectionSync(id), ExpectedRevision.Exact(3),
            new SyncEvent.SyncRunCompleted(t, id, run, counts, [], now.AddSeconds(2)));
        await ReadAtAsync(s.User.Client, id, position);
        var reverted = await TestApi.ReadAsync(await s.User.Client.PostAsync($"{url}/runs/{run}/revert", null), HttpStatusCode.Accepted);
        Assert.Equal([0, 0, 0], new[] { "deleted", "updated", "restored" }.Select(k => reverted.GetProperty(k).GetInt32()));
        p = await TestApi.ProblemAsync(await s.User.Client.PostAsync($"{url}/runs/{run}/revert", null), HttpStatusCode.Conflict);
        Assert.Equal("connection.run-reverted", p.GetProperty("code").GetString());
        Assert.Equal("ConnectionRunReverted.v1", (await support.EventsAsync(StreamNames.Connection(id)))[^1].Type);

        d = await TestApi.ReadAsync(await s.User.Client.GetAsync($"{url}/dashboard"), HttpStatusCode.OK);
        var latest = d.GetProperty("runs")[0];
        Assert.Equal(["reverted", "sync-now"], [latest.GetProperty("state").GetString()!, latest.GetProperty("kind").GetString()!]);
        Assert.Equal("""{"crm":2,"provider":3}""", latest.GetProperty("created").GetRawText());
        Assert.Equal("""{"crm":2,"provider":3}""", d.GetProperty("recent").GetProperty("added").GetRawText());
        Assert.Equal("""{"crm":1,"provider":0}""", d.GetProperty("recent").GetProperty("updated").GetRawText());

        var totals = (await TestApi.ReadAsync(await s.User.Client.GetAsync("/api/dashboard"), HttpStatusCode.OK)).GetProperty("connections");
        Assert.Equal(1, totals.GetProperty("total").GetInt32());
        Assert.Equal(1, totals.GetProperty("byState").GetProperty("ready").GetInt32());
        Assert.Equal(1, totals.GetProperty("openConflicts").GetInt32());
        Assert.Equal([2, 1, 1], new[] { "runs", "failedRuns", "errors" }.Select(k => totals.GetProperty("recent").GetProperty(k).GetInt32()));

        // A disconnected connection refuses repairs before anything is changed.
        Assert.Equal(HttpStatusCode.NoContent, (await s.User.Client.DeleteAsync(url)).StatusCode);
        p = await TestApi.ProblemAsync(await s.User.Client.PostAsync($"{url}/runs/{failed}/revert", null), HttpStatusCode.Conflict);
        Assert.Equal("connection.disconnected", p.GetProperty("code").GetString());
        Assert.Equal("ConnectionDisconnected.v1", (await support.EventsAsync(StreamNames.Connection(id)))[^1].Type);
    }

    private static async Task<JsonElement> ReadAtAsync(HttpClient client, Guid id, EventStore.Position position) =>
        await TestApi.ReadAsync(await client.GetAsync($"/api/connections/{id}?minPosition={position.Commit}.{position.Prepare}"), HttpStatusCode.OK);

    private static async Task<string> Step(HttpClient client, Guid id, string step, HttpStatusCode expected)
    {
        var body = await TestApi.ReadAsync(await client.PostAsync($"/api/connections/{id}/{step}", null), expected);
        return body.GetProperty("state").GetString()!;
    }

    private static async Task Refused(HttpClient client, Guid id, string step, string code)
    {
        var p = await TestApi.ProblemAsync(await client.PostAsync($"/api/connections/{id}/{step}", null), HttpStatusCode.Conflict);
        Assert.Equal(code, p.GetProperty("code").GetString());
    }

    private static async Task Forbidden(HttpClient client, object body) =>
        await TestApi.ProblemAsync(await CreateAsync(client, body), HttpStatusCode.Forbidden);

    private static async Task NotFound(HttpClient client, object body, string what)
    {
        var p = await TestApi.ProblemAsync(await CreateAsync(client, body), HttpStatusCode.NotFound);
        Assert.Contains(what, p.GetProperty("detail").GetString());
    }

    private static async Task<List<JsonElement>> ConnectionsOf(HttpClient client) =>
        [.. (await TestApi.ReadAsync(await client.GetAsync("/api/connections"), HttpStatusCode.OK)).GetProperty("items").EnumerateArray()];
}
