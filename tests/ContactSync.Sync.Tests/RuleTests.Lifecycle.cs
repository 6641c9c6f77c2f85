using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContactSync.Domain.Contacts;
using ContactSync.Providers;
using ContactSync.Sync.Tests.Support;

namespace ContactSync.Sync.Tests;

/// <summary>The sync rules about a connection's life (product.md, rules 2, 7, 10, 11, 12): scope changes, mass deletes,
/// the Google cap, expired cursors, revoked grants and throttling, end to end.</summary>
[Collection(SyncCollection.Name)]
public sealed class LifecycleRuleTests(SyncFixture system)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>A tenant, a Google account holding <paramref name="atGoogle"/> contacts in a group, a two-way
    /// connection of the user's own contacts with that group, started and through its first sync.</summary>
    private async Task<(CrmUser Crm, Guid Connection, IContactProvider Google, string Group, string Email)> ConnectedAsync(
        int inCrm, int atGoogle, object? settings = null)
    {
        var crm = await system.NewTenantAsync();
        for (var i = 0; i < inCrm; i++)
            await crm.NewContactAsync(new { name = new { given = $"Crm{i}", family = "Rule" }, emails = new[] { new { value = $"crm{i}-{Guid.NewGuid():N}@rules.test" } } });
        var email = SyncFixture.Email();
        var google = await system.AtProviderAsync("google", email);
        var group = await google.EnsureGroupAsync("Rules " + Guid.NewGuid().ToString("N")[..6], Ct);
        if (atGoogle > 0)
            Assert.All(await google.CreateAsync(group.Id, [.. Enumerable.Range(0, atGoogle).Select(i => new NewProviderContact(Guid.NewGuid().ToString(),
                new ContactFields { Name = new PersonName($"G{i}", Family: "Rule"), Emails = [new EmailAddress($"g{i}-{Guid.NewGuid():N}@rules.test")] }))], Ct),
                r => Assert.True(r.Succeeded));
        var account = await system.ConnectAccountAsync(crm, "google", email);
        var body = new Dictionary<string, object?> { ["accountId"] = account, ["scope"] = "owned", ["group"] = new { id = group.Id } };
        foreach (var p in settings?.GetType().GetProperties() ?? []) body[p.Name] = p.GetValue(settings);
        var connection = await crm.NewConnectionAsync(body);
        await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection);
        // The contacts read model can trail the connections one: wait until it shows the imports too.
        await Eventually.TrueAsync(async () => (await CrmContactsAsync(crm)).Count == inCrm + atGoogle, "the first sync's imports in the CRM");
        return (crm, connection, google, group.Id, email);
    }

    private static async Task<List<JsonElement>> CrmContactsAsync(CrmUser crm, bool includeDeleted = false)
    {
        var page = await SyncFixture.Read(await crm.Api.GetAsync($"/api/contacts?limit=500{(includeDeleted ? "&includeDeleted=true" : "")}"), HttpStatusCode.OK);
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    private static async Task<DateTimeOffset> SyncNowAsync(CrmUser crm, Guid connection)
    {
        var before = DateTimeOffset.UtcNow;
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection, before);
        return before;
    }

    [Fact]
    public async Task Rule_7_a_pull_that_would_delete_a_fifth_of_the_links_pauses_the_connection_and_deletes_only_after_a_user_confirms()
    {
        var (crm, connection, google, group, _) = await ConnectedAsync(inCrm: 20, atGoogle: 20, new { providerDeletes = "delete" });
        var atGoogle = await google.ContactsInGroupAsync(group);
        Assert.Equal(40, atGoogle.Count);

        // 12 of 40 (30%, and more than 10) deleted at Google: the guard trips, nothing is deleted in the CRM.
        var doomed = atGoogle.Take(12).Select(c => c.Id).ToList();
        Assert.All(await google.DeleteAsync(doomed, Ct), r => Assert.True(r.Succeeded));
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await Eventually.TrueAsync(async () => (await crm.GetConnectionAsync(connection)) is var c
            && c.GetProperty("state").GetString() == "paused" && c.GetProperty("pausedFor").GetString() == "mass-delete", "the mass-delete pause");
        Assert.Equal(40, (await CrmContactsAsync(crm)).Count);
        await crm.StepAsync(connection, "sync", HttpStatusCode.Conflict);   // paused: no sync until someone decides

        // Confirmed: the deletes go through, as restorable soft deletes.
        await crm.StepAsync(connection, "confirm-deletes", HttpStatusCode.OK);
        await Eventually.TrueAsync(async () => (await CrmContactsAsync(crm)).Count == 28, "the confirmed deletes in the CRM");
        var all = await CrmContactsAsync(crm, includeDeleted: true);
        Assert.Equal(12, all.Count(c => c.GetProperty("deleted").GetBoolean()));
        var synced = await crm.SyncedAsync(connection);
        Assert.Equal(28, synced.GetProperty("counts").GetProperty("linked").GetInt32());

        // A few deletes (not more than 10) go straight through.
        Assert.All(await google.DeleteAsync([.. (await google.ContactsInGroupAsync(group)).Take(3).Select(c => c.Id)], Ct), r => Assert.True(r.Succeeded));
        await SyncNowAsync(crm, connection);
        await Eventually.TrueAsync(async () => (await CrmContactsAsync(crm)).Count == 25, "three more deletes without a pause");
        Assert.Equal("idle", (await crm.GetConnectionAsync(connection)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Rule_11_an_expired_sync_token_runs_a_full_resync_that_brings_changes_and_neither_duplicates_nor_deletes()
    {
        var (crm, connection, google, group, _) = await ConnectedAsync(inCrm: 8, atGoogle: 8);
        var edited = (await google.ContactsInGroupAsync(group)).First(c => c.Fields.Name.Given == "G3");
        Assert.True((await google.UpdateAsync([new ProviderContactUpdate(edited.Id, edited.Fields with { JobTitle = "After expiry" }, edited.ETag)], Ct))[0].Succeeded);
        Assert.True((await google.CreateAsync(group, [new NewProviderContact(Guid.NewGuid().ToString(),
            new ContactFields { Name = new PersonName("New", Family: "AfterExpiry") })], Ct))[0].Succeeded);
        await system.SetFaultsAsync(new { provider = "google", expireCursors = true });

        await SyncNowAsync(crm, connection);
        var dashboard = await SyncFixture.Read(await crm.Api.GetAsync($"/api/connections/{connection}/dashboard"), HttpStatusCode.OK);
        Assert.Contains(dashboard.GetProperty("runs").EnumerateArray(), r => r.GetProperty("kind").GetString() == "resync" && r.GetProperty("state").GetString() == "completed");
        var contacts = new List<JsonElement>();
        await Eventually.TrueAsync(async () => (contacts = await CrmContactsAsync(crm)).Count >= 17, "the resync's import in the CRM");
        Assert.Equal(17, contacts.Count);
        Assert.Single(contacts, c => c.GetProperty("name").GetProperty("family").GetString() == "AfterExpiry");
        Assert.Single(contacts, c => c.GetProperty("jobTitle").ValueKind == JsonValueKind.String && c.GetProperty("jobTitle").GetString() == "After expiry");
        Assert.Equal(17, (await google.ContactsInGroupAsync(group)).Count);
        Assert.Equal(17, (await crm.GetConnectionAsync(connection)).GetProperty("counts").GetProperty("linked").GetInt32());
    }

    [Fact]
    public async Task Rule_11_a_revoked_grant_puts_the_connection_in_needs_reauth_keeps_the_backlog_and_syncs_it_after_the_account_is_connected_again()
    {
        var (crm, connection, google, group, email) = await ConnectedAsync(inCrm: 3, atGoogle: 0);
        (await system.Sandbox.PostAsJsonAsync($"_sandbox/google/accounts/{Uri.EscapeDataString(email)}/revoke", new { })).EnsureSuccessStatusCode();

        // The next run meets the refused grant.
        var backlog = await crm.NewContactAsync(new { name = new { given = "Backlog", family = "Rule" } });
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        JsonElement seen = default;
        await Eventually.TrueAsync(async () => (seen = await crm.GetConnectionAsync(connection)) is var c
            && c.GetProperty("state").GetString() == "needs-reauth" && c.GetProperty("lastError").GetString() is { Length: > 0 }
            && c.GetProperty("progress").ValueKind == JsonValueKind.Null,
            "needs-reauth", TimeSpan.FromSeconds(20)).ContinueWith(t => t.IsFaulted ? throw new Exception($"connection: {seen}", t.Exception) : t).Unwrap();
        var later = await crm.NewContactAsync(new { name = new { given = "Later", family = "Rule" } });

        // Connected again through the consent redirect: the backlog goes to Google, nothing was lost meanwhile.
        await system.ConnectAccountAsync(crm, "google", email);
        var again = await system.AtProviderAsync("google", email);
        await Eventually.TrueAsync(async () => (await again.ContactsInGroupAsync(group)).Select(c => c.CrmId).ToHashSet() is var ids
            && ids.Contains(backlog.ToString()) && ids.Contains(later.ToString()), "the backlog at Google", TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(async () => (await crm.GetConnectionAsync(connection)).GetProperty("state").GetString() is "idle" or "syncing", "the connection back in service");
        Assert.Equal(5, (await again.ContactsInGroupAsync(group)).Count);
    }

    [Fact]
    public async Task Rule_12_heavy_throttling_slows_a_connection_down_and_never_fails_it()
    {
        var (crm, connection, google, group, _) = await ConnectedAsync(inCrm: 2, atGoogle: 0);
        await system.SetFaultsAsync(new { provider = "google", status429Rate = 0.6, retryAfterSeconds = 0 });
        var states = new HashSet<string>();
        try
        {
            for (var i = 0; i < 30; i++) await crm.NewContactAsync(new { name = new { given = $"Throttled{i}", family = "Rule" } });
            await Eventually.TrueAsync(async () =>
            {
                var c = await crm.GetConnectionAsync(connection);
                states.Add(c.GetProperty("state").GetString()!);
                return c.GetProperty("counts").GetProperty("linked").GetInt32() == 32;
            }, "every contact linked while Google throttles", TimeSpan.FromSeconds(90));
        }
        finally
        {
            await system.SetFaultsAsync(new { provider = "google", status429Rate = 0.0 });
        }
        Assert.DoesNotContain("failed", states);
        Assert.Equal(32, (await google.ContactsInGroupAsync(group)).Count);
        var dashboard = await SyncFixture.Read(await crm.Api.GetAsync($"/api/connections/{connection}/dashboard"), HttpStatusCode.OK);
        Assert.Contains(dashboard.GetProperty("runs").EnumerateArray(), r => r.GetProperty("providerRequests").TryGetProperty("throttled", out var t) && t.GetInt32() > 0);
        Assert.DoesNotContain(dashboard.GetProperty("runs").EnumerateArray(), r => r.GetProperty("state").GetString() == "failed");
    }

    [Fact]
    public async Task Every_run_ends_completed_or_failed_while_Google_throttles_and_fails_under_a_stream_of_edits()
    {
        var (crm, connection, google, group, _) = await ConnectedAsync(inCrm: 3, atGoogle: 0);
        await system.SetFaultsAsync(new { provider = "google", status429Rate = 0.6, status5xxRate = 0.1, retryAfterSeconds = 0 });
        var ids = new List<Guid>();
        try
        {
            // Each edit wakes a push run of the contacts that changed (a partial run): the kind whose failures were
            // never recorded as the run's end.
            for (var i = 0; i < 15; i++)
            {
                ids.Add(await crm.NewContactAsync(new { name = new { given = $"Faulted{i}", family = "Rule" } }));
                using var patch = await crm.Api.PatchAsJsonAsync($"/api/contacts/{ids[^1]}", new { jobTitle = $"Edited {i}" });
                Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
            }
            await Eventually.TrueAsync(async () => (await crm.GetConnectionAsync(connection)).GetProperty("counts").GetProperty("linked").GetInt32() == 18,
                "every new contact linked while Google faults", TimeSpan.FromSeconds(120));
        }
        finally
        {
            await system.SetFaultsAsync(new { provider = "google", status429Rate = 0.0, status5xxRate = 0.0 });
        }
        var before = DateTimeOffset.UtcNow;
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection, before);
        await Eventually.TrueAsync(async () => (await google.ContactsInGroupAsync(group)).Count(c => c.Fields.JobTitle?.StartsWith("Edited") == true) == 15,
            "every edit at Google");
        await Eventually.TrueAsync(async () => (await system.UnendedRunsAsync(connection)).Open == 0, "no run left open");
        Assert.Equal(0, (await system.UnendedRunsAsync(connection)).Interrupted);   // each ended itself, none was closed by a later one
        var dashboard = await SyncFixture.Read(await crm.Api.GetAsync($"/api/connections/{connection}/dashboard"), HttpStatusCode.OK);
        Assert.All(dashboard.GetProperty("runs").EnumerateArray(), r => Assert.Equal(JsonValueKind.String, r.GetProperty("endedAt").ValueKind));
    }

    [Fact]
    public async Task Rule_10_a_full_Google_account_takes_contacts_up_to_its_limit_says_so_and_keeps_syncing_the_rest()
    {
        // The account already holds 24,990 contacts outside the group: only 10 more fit (Google's 25,000).
        var crm = await system.NewTenantAsync();
        var email = SyncFixture.Email();
        var google = await system.AtProviderAsync("google", email);
        var filler = await google.EnsureGroupAsync("Filler", Ct);
        foreach (var chunk in Enumerable.Range(0, 24_990).Chunk(200))
            Assert.All(await google.CreateAsync(filler.Id, [.. chunk.Select(i => new NewProviderContact($"filler-{i}", new ContactFields { Name = new PersonName($"F{i}") }))], Ct),
                r => Assert.True(r.Succeeded));
        var ids = new List<Guid>();
        for (var i = 0; i < 25; i++) ids.Add(await crm.NewContactAsync(new { name = new { given = $"Cap{i}", family = "Rule" } }));
        var account = await system.ConnectAccountAsync(crm, "google", email);
        var connection = await crm.NewConnectionAsync(new { accountId = account, scope = "owned", group = new { name = "Capped " + Guid.NewGuid().ToString("N")[..6] } });
        await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
        var synced = await crm.SyncedAsync(connection, timeout: TimeSpan.FromSeconds(120));

        Assert.Equal("idle", synced.GetProperty("state").GetString());
        Assert.Equal(10, synced.GetProperty("counts").GetProperty("linked").GetInt32());
        var dashboard = await SyncFixture.Read(await crm.Api.GetAsync($"/api/connections/{connection}/dashboard"), HttpStatusCode.OK);
        Assert.Contains(dashboard.GetProperty("runs").EnumerateArray(), r => r.GetProperty("warnings").EnumerateArray().Any(w => w.GetString()!.Contains("limit")));

        // The contacts that fit keep syncing.
        var linked = (await google.ContactsInGroupAsync(synced.GetProperty("group").GetProperty("id").GetString()!)).First();
        using (var patch = await crm.Api.PatchAsJsonAsync($"/api/contacts/{linked.CrmId}", new { jobTitle = "Still synced" })) Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        await Eventually.TrueAsync(async () => (await google.GetAsync([linked.Id], Ct)).Single().Fields.JobTitle == "Still synced", "an edit of a contact that fits");
    }

    [Fact]
    public async Task Rule_2_a_contact_that_leaves_the_list_leaves_the_group_deleted_if_the_sync_created_it_and_only_unlinked_if_it_existed_before()
    {
        var crm = await system.NewTenantAsync();
        var shared = $"shared-{Guid.NewGuid():N}@rules.test";
        var created = await crm.NewContactAsync(new { name = new { given = "Pushed", family = "Rule" }, tags = new[] { "sync" } });
        var matched = await crm.NewContactAsync(new { name = new { given = "Matched", family = "Rule" }, emails = new[] { new { value = shared } }, tags = new[] { "sync" } });
        var list = await crm.NewListAsync("Scoped " + Guid.NewGuid().ToString("N")[..6], new { tags = new[] { "sync" } });
        var email = SyncFixture.Email();
        var google = await system.AtProviderAsync("google", email);
        var group = await google.EnsureGroupAsync("Scoped group " + Guid.NewGuid().ToString("N")[..6], Ct);
        var existing = (await google.CreateAsync(group.Id, [new NewProviderContact(Guid.NewGuid().ToString(),
            new ContactFields { Name = new PersonName("Matched", Family: "Rule"), Emails = [new EmailAddress(shared)] })], Ct))[0];
        var account = await system.ConnectAccountAsync(crm, "google", email);
        var connection = await crm.NewConnectionAsync(new { accountId = account, scope = "list", listId = list, group = new { id = group.Id } });
        await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection);
        var inGroup = await google.ContactsInGroupAsync(group.Id);
        Assert.Equal(2, inGroup.Count);   // linked by e-mail, not twinned
        var pushedId = inGroup.Single(c => c.CrmId == created.ToString()).Id;

        foreach (var id in new[] { created, matched })
            using (var patch = await crm.Api.PatchAsJsonAsync($"/api/contacts/{id}", new { tags = Array.Empty<string>() })) Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        await Eventually.TrueAsync(async () => (await google.ContactsInGroupAsync(group.Id)).Count == 0, "both out of the group");
        Assert.Empty(await google.GetAsync([pushedId], Ct));                   // the sync created it: deleted at Google
        var kept = Assert.Single(await google.GetAsync([existing.Id!], Ct));   // it existed before: only unlinked
        Assert.DoesNotContain(group.Id, kept.GroupIds);
        Assert.Equal(2, (await CrmContactsAsync(crm)).Count);                 // and nothing is deleted in the CRM
        await Eventually.TrueAsync(async () => (await crm.GetConnectionAsync(connection)).GetProperty("counts").GetProperty("linked").GetInt32() == 0, "no link left");
    }

    [Fact]
    public async Task Rule_1_a_list_connection_pushes_only_the_contacts_its_user_may_see_and_only_the_lists_creator_may_enable_it()
    {
        var admin = await system.NewTenantAsync();
        var colleague = await system.NewUserAsync(admin);
        var visible = await admin.NewContactAsync(new { name = new { given = "Shared", family = "Rule" }, tags = new[] { "team" }, visibility = "company" });
        var hidden = await admin.NewContactAsync(new { name = new { given = "Private", family = "Rule" }, tags = new[] { "team" }, visibility = "owner" });
        var own = await colleague.NewContactAsync(new { name = new { given = "Own", family = "Rule" }, tags = new[] { "team" } });
        var list = await colleague.NewListAsync("Team " + Guid.NewGuid().ToString("N")[..6], new { tags = new[] { "team" } });
        var email = SyncFixture.Email();
        var account = await system.ConnectAccountAsync(colleague, "google", email);

        // Planfix: only the list's creator may enable sync for it.
        var adminAccount = await system.ConnectAccountAsync(admin, "google", SyncFixture.Email());
        using (var refused = await admin.Api.PostAsJsonAsync("/api/connections", new { accountId = adminAccount, scope = "list", listId = list }))
            await SyncFixture.Read(refused, HttpStatusCode.Forbidden);

        var connection = await colleague.NewConnectionAsync(new { accountId = account, scope = "list", listId = list });
        await colleague.StepAsync(connection, "start", HttpStatusCode.Accepted);
        var synced = await colleague.SyncedAsync(connection);
        var google = await system.AtProviderAsync("google", email);
        var inGroup = await google.ContactsInGroupAsync(synced.GetProperty("group").GetProperty("id").GetString()!);
        Assert.Equal(new[] { visible.ToString(), own.ToString() }.Order(), inGroup.Select(c => c.CrmId!).Order());
        Assert.DoesNotContain(inGroup, c => c.CrmId == hidden.ToString());
    }
}
