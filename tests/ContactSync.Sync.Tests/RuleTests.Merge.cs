using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.Providers;
using ContactSync.Sync.Tests.Support;

namespace ContactSync.Sync.Tests;

/// <summary>Sync rules 3, 4, 5, 6, 9 and 15 end to end: what the engine records, what it sends and what it merges.</summary>
[Collection(SyncCollection.Name)]
public sealed class MergeRuleTests(SyncFixture system)
{
    private static readonly string Png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

    // ---- Rule 3 ----

    [Fact]
    public async Task Every_Google_change_is_recorded_with_its_id_and_version_before_the_CRM_change_it_causes_and_that_change_carries_the_connection()
    {
        var crm = await system.NewTenantAsync();
        var email = SyncFixture.Email();
        var google = await system.AtProviderAsync("google", email);
        var group = await google.EnsureGroupAsync("Observed " + Suffix(), CancellationToken.None);
        var family = "Obs" + Suffix();
        var atGoogle = await google.CreateAsync(group.Id, [new NewProviderContact(Guid.NewGuid().ToString(), new ContactFields { Name = new PersonName("Imported", Family: family) })],
            CancellationToken.None);
        Assert.True(atGoogle[0].Succeeded);
        var own = await crm.NewContactAsync(new { name = new { given = "Pushed", family }, jobTitle = "Before" });
        var account = await system.ConnectAccountAsync(crm, "google", email);
        var connection = await crm.NewConnectionAsync(new { accountId = account, scope = "owned", group = new { id = group.Id } });
        await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection);

        // The import: observed first, then created in the CRM by the connection.
        var imported = (await ImportedAsync(crm, family, "Imported")).GetProperty("id").GetGuid();
        var importHistory = await HistoryAsync(crm, imported);
        AssertByConnection(importHistory[0], connection);
        var (observedImport, createdImport) = await ObservedThenAppliedAsync(connection, atGoogle[0].Id!, atGoogle[0].ETag!, imported, "ContactCreated");
        Assert.True(observedImport < createdImport, $"observed at {observedImport}, created at {createdImport}");

        // An edit at Google: observed with the edit's version, then applied to the CRM by the connection.
        ProviderContact? pushed = null;
        await Eventually.TrueAsync(async () => (pushed = (await google.ContactsInGroupAsync(group.Id)).FirstOrDefault(c => c.CrmId == own.ToString())) is not null,
            "the CRM contact at Google");
        var edit = await google.UpdateAsync([new ProviderContactUpdate(pushed!.Id, pushed.Fields with { JobTitle = "Set at Google" }, pushed.ETag)], CancellationToken.None);
        Assert.True(edit[0].Succeeded);
        var version = (await google.GetAsync([pushed.Id], CancellationToken.None)).Single().ETag;
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await Eventually.TrueAsync(async () => (await crm.GetContactAsync(own)).GetProperty("jobTitle").GetString() == "Set at Google", "the Google edit in the CRM");

        var change = (await HistoryAsync(crm, own)).Last(e => e.GetProperty("changes").EnumerateArray()
            .Any(c => c.GetProperty("field").GetString() == "jobTitle" && c.GetProperty("to").ValueKind == JsonValueKind.String && c.GetProperty("to").GetString() == "Set at Google"));
        AssertByConnection(change, connection);
        var (observedEdit, appliedEdit) = await ObservedThenAppliedAsync(connection, pushed.Id, version, own, "ContactUpdated", mentions: "Set at Google");
        Assert.True(observedEdit < appliedEdit, $"observed at {observedEdit}, applied at {appliedEdit}");
    }

    // ---- Rule 4 ----

    [Fact]
    public async Task A_Google_edit_pulled_into_the_CRM_is_never_pushed_back_to_Google()
    {
        var crm = await system.NewTenantAsync();
        var contact = await crm.NewContactAsync(new { name = new { given = "Echo", family = "Less" + Suffix() }, company = "Initech" });
        var (connection, groupId, google) = await TwoWayWithGoogleAsync(crm);
        var atGoogle = await AtGoogleAsync(google, groupId, contact);

        Assert.True((await google.UpdateAsync([new ProviderContactUpdate(atGoogle.Id, atGoogle.Fields with { Company = "Globex" }, atGoogle.ETag)],
            CancellationToken.None))[0].Succeeded);
        var edited = (await google.GetAsync([atGoogle.Id], CancellationToken.None)).Single();
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await Eventually.TrueAsync(async () => (await crm.GetContactAsync(contact)).GetProperty("company").GetString() == "Globex", "the Google edit in the CRM");
        await crm.SyncedAsync(connection);
        var updatesBefore = await GoogleUpdateRequestsAsync();

        // One more run after the pull has settled: still nothing sent back.
        var before = DateTimeOffset.UtcNow;
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection, before);

        Assert.Equal(updatesBefore, await GoogleUpdateRequestsAsync());
        Assert.Equal(edited.ETag, (await google.GetAsync([atGoogle.Id], CancellationToken.None)).Single().ETag);
        var runs = (await DashboardAsync(crm, connection)).GetProperty("runs").EnumerateArray().ToList();
        Assert.Contains(runs, r => r.GetProperty("updated").GetProperty("crm").GetInt32() == 1);
        Assert.All(runs, r => Assert.Equal(0, Requests(r, "update")));
        Assert.All(runs, r => Assert.Equal(0, r.GetProperty("updated").GetProperty("provider").GetInt32()));
    }

    [Fact]
    public async Task A_CRM_patch_that_changes_nothing_Google_holds_sends_no_update_to_Google()
    {
        var crm = await system.NewTenantAsync();
        var contact = await crm.NewContactAsync(new { name = new { given = "Quiet", family = "Patch" + Suffix() }, jobTitle = "Same", emails = new[] { new { value = $"q{Suffix()}@example.com" } } });
        var (connection, groupId, google) = await TwoWayWithGoogleAsync(crm);
        var atGoogle = await AtGoogleAsync(google, groupId, contact);
        await crm.SyncedAsync(connection);
        var updatesBefore = await GoogleUpdateRequestsAsync();

        // The values it already has, then a photo (Google's photo is never written by the sync: rule 9).
        var before = DateTimeOffset.UtcNow;
        using (var same = await crm.Api.PatchAsJsonAsync($"/api/contacts/{contact}", new { jobTitle = "Same", name = new { given = "Quiet" } })) Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        using (var photo = await crm.Api.PatchAsJsonAsync($"/api/contacts/{contact}", new { photoUrl = "https://crm.example/quiet.jpg" })) Assert.Equal(HttpStatusCode.OK, photo.StatusCode);
        Assert.Equal("https://crm.example/quiet.jpg", (await crm.GetContactAsync(contact)).GetProperty("photoUrl").GetString());
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection, before);
        before = DateTimeOffset.UtcNow;
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection, before);

        Assert.Equal(updatesBefore, await GoogleUpdateRequestsAsync());
        Assert.Equal(atGoogle.ETag, (await google.GetAsync([atGoogle.Id], CancellationToken.None)).Single().ETag);
        Assert.All((await DashboardAsync(crm, connection)).GetProperty("runs").EnumerateArray(), r => Assert.Equal(0, Requests(r, "update")));

        // The measure is live: a real change is one update, and it arrives.
        using (var real = await crm.Api.PatchAsJsonAsync($"/api/contacts/{contact}", new { jobTitle = "Changed" })) Assert.Equal(HttpStatusCode.OK, real.StatusCode);
        await Eventually.TrueAsync(async () => (await google.GetAsync([atGoogle.Id], CancellationToken.None)).Single().Fields.JobTitle == "Changed", "the real change at Google");
        Assert.True(await GoogleUpdateRequestsAsync() > updatesBefore);
    }

    // ---- Rule 5 ----

    [Fact]
    public async Task An_email_added_in_the_CRM_and_another_added_at_Google_between_runs_both_end_up_on_both_sides()
    {
        var crm = await system.NewTenantAsync();
        var s = Suffix();
        var (first, inCrm, atProvider) = ($"first-{s}@example.com", $"crm-{s}@example.com", $"google-{s}@example.com");
        var contact = await crm.NewContactAsync(new { name = new { given = "Two", family = "Lists" + s }, emails = new[] { new { value = first } } });
        var (connection, groupId, google) = await TwoWayWithGoogleAsync(crm);
        var atGoogle = await AtGoogleAsync(google, groupId, contact);

        await PauseAsync(crm, connection);
        Assert.True((await google.UpdateAsync([new ProviderContactUpdate(atGoogle.Id, atGoogle.Fields with { Emails = [.. atGoogle.Fields.Emails, new EmailAddress(atProvider)] }, atGoogle.ETag)],
            CancellationToken.None))[0].Succeeded);
        using (var patch = await crm.Api.PatchAsJsonAsync($"/api/contacts/{contact}", new { emails = new[] { new { value = first }, new { value = inCrm } } }))
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        await crm.StepAsync(connection, "resume", HttpStatusCode.OK);

        string[] all = [first, inCrm, atProvider];
        await Eventually.TrueAsync(async () => EmailsOf(await crm.GetContactAsync(contact)).Order().SequenceEqual(all.Order()), "both e-mails in the CRM", TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(async () => (await google.GetAsync([atGoogle.Id], CancellationToken.None)).Single().Fields.Emails.Select(e => e.Value).Order().SequenceEqual(all.Order()),
            "both e-mails at Google", TimeSpan.FromSeconds(60));
        await crm.SyncedAsync(connection);
        Assert.Equal(0, (await DashboardAsync(crm, connection)).GetProperty("conflicts").GetArrayLength());
    }

    [Fact]
    public async Task A_field_changed_on_one_side_only_takes_that_sides_value_while_the_other_sides_change_to_another_field_is_kept()
    {
        var crm = await system.NewTenantAsync();
        var contact = await crm.NewContactAsync(new { name = new { given = "Split", family = "Fields" + Suffix() }, jobTitle = "Old title", company = "Old company" });
        var (connection, groupId, google) = await TwoWayWithGoogleAsync(crm);
        var atGoogle = await AtGoogleAsync(google, groupId, contact);

        await PauseAsync(crm, connection);
        Assert.True((await google.UpdateAsync([new ProviderContactUpdate(atGoogle.Id, atGoogle.Fields with { Company = "Google company" }, atGoogle.ETag)],
            CancellationToken.None))[0].Succeeded);
        using (var patch = await crm.Api.PatchAsJsonAsync($"/api/contacts/{contact}", new { jobTitle = "CRM title" })) Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        await crm.StepAsync(connection, "resume", HttpStatusCode.OK);

        await Eventually.TrueAsync(async () => (await crm.GetContactAsync(contact)) is var c
            && c.GetProperty("company").GetString() == "Google company" && c.GetProperty("jobTitle").GetString() == "CRM title", "both changes in the CRM", TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(async () => (await google.GetAsync([atGoogle.Id], CancellationToken.None)).Single().Fields is var f
            && f.Company == "Google company" && f.JobTitle == "CRM title", "both changes at Google", TimeSpan.FromSeconds(60));
        await crm.SyncedAsync(connection);
        Assert.Equal(0, (await DashboardAsync(crm, connection)).GetProperty("conflicts").GetArrayLength());
    }

    // ---- Rule 6 ----

    [Fact]
    public async Task A_contact_with_four_emails_and_a_gender_edited_in_Outlook_keeps_them_in_the_CRM_and_gets_the_Outlook_edit()
    {
        var crm = await system.NewTenantAsync();
        var s = Suffix();
        string[] emails = [$"a-{s}@example.com", $"b-{s}@example.com", $"c-{s}@example.com", $"d-{s}@example.com"];
        var contact = await crm.NewContactAsync(new { name = new { given = "Four", family = "Mails" + s }, gender = "female", emails = emails.Select(e => new { value = e }) });
        var email = SyncFixture.Email();
        var account = await system.ConnectAccountAsync(crm, "microsoft", email);
        var connection = await crm.NewConnectionAsync(new { accountId = account, scope = "owned", group = new { name = "Four " + s } });
        await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
        var folderId = (await crm.SyncedAsync(connection)).GetProperty("group").GetProperty("id").GetString()!;
        var outlook = await system.AtProviderAsync("microsoft", email);
        // Graph's delta carries no extended properties: the CRM id tag is found by a filtered lookup.
        ProviderContact? atOutlook = null;
        await Eventually.TrueAsync(async () => (atOutlook = await outlook.FindByCrmIdAsync(folderId, contact.ToString(), CancellationToken.None)) is not null,
            "the contact in Outlook");
        Assert.Equal(emails[..3], atOutlook!.Fields.Emails.Select(e => e.Value));
        Assert.Null(atOutlook.Fields.Gender);

        Assert.True((await outlook.UpdateAsync([new ProviderContactUpdate(atOutlook.Id, atOutlook.Fields with { JobTitle = "Set in Outlook" }, atOutlook.ETag)],
            CancellationToken.None))[0].Succeeded);
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await Eventually.TrueAsync(async () => (await crm.GetContactAsync(contact)).GetProperty("jobTitle").GetString() == "Set in Outlook", "the Outlook edit in the CRM");
        var before = DateTimeOffset.UtcNow;
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection, before);

        var after = await crm.GetContactAsync(contact);
        Assert.Equal(emails, EmailsOf(after));
        Assert.Equal("female", after.GetProperty("gender").GetString());
        Assert.Equal("Set in Outlook", after.GetProperty("jobTitle").GetString());
        Assert.DoesNotContain(await HistoryAsync(crm, contact), e => e.GetProperty("changes").EnumerateArray()
            .Any(c => c.GetProperty("field").GetString() is "gender" or "emails" && e.GetProperty("actor").GetProperty("kind").GetString() == "connection"));
        Assert.Equal(0, (await DashboardAsync(crm, connection)).GetProperty("conflicts").GetArrayLength());
    }

    // ---- Rule 9 ----

    [Fact]
    public async Task A_photo_set_at_Google_reaches_a_CRM_contact_without_one_both_on_import_and_for_a_linked_contact()
    {
        var crm = await system.NewTenantAsync();
        var email = SyncFixture.Email();
        var google = await system.AtProviderAsync("google", email);
        var group = await google.EnsureGroupAsync("Photos " + Suffix(), CancellationToken.None);
        var family = "Photo" + Suffix();
        var withPhoto = await google.CreateAsync(group.Id, [new NewProviderContact(Guid.NewGuid().ToString(), new ContactFields { Name = new PersonName("Pictured", Family: family) })],
            CancellationToken.None);
        var importedPhoto = await SetGooglePhotoAsync(email, withPhoto[0].Id!);
        var linked = await crm.NewContactAsync(new { name = new { given = "Bare", family } });
        var account = await system.ConnectAccountAsync(crm, "google", email);
        var connection = await crm.NewConnectionAsync(new { accountId = account, scope = "owned", group = new { id = group.Id } });
        await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection);

        var imported = await ImportedAsync(crm, family, "Pictured");
        Assert.Equal(importedPhoto, imported.GetProperty("photoUrl").GetString());

        var atGoogle = await AtGoogleAsync(google, group.Id, linked);
        Assert.Equal(JsonValueKind.Null, (await crm.GetContactAsync(linked)).GetProperty("photoUrl").ValueKind);
        var photo = await SetGooglePhotoAsync(email, atGoogle.Id);
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await Eventually.TrueAsync(async () => (await crm.GetContactAsync(linked)).GetProperty("photoUrl") is { ValueKind: JsonValueKind.String } p && p.GetString() == photo,
            "the Google photo in the CRM", TimeSpan.FromSeconds(30));
        AssertByConnection((await HistoryAsync(crm, linked)).Last(), connection);
    }

    [Fact]
    public async Task A_CRM_contact_with_its_own_photo_keeps_it_when_a_photo_is_set_at_Google()
    {
        var crm = await system.NewTenantAsync();
        const string own = "https://crm.example/own.jpg";
        var contact = await crm.NewContactAsync(new { name = new { given = "Keeps", family = "Photo" + Suffix() }, photoUrl = own, jobTitle = "Before" });
        var email = SyncFixture.Email();
        var (connection, groupId, google) = await TwoWayWithGoogleAsync(crm, email);
        var atGoogle = await AtGoogleAsync(google, groupId, contact);
        Assert.Null(atGoogle.Fields.PhotoUrl);   // the CRM's photo is not written to Google

        await SetGooglePhotoAsync(email, atGoogle.Id);
        // A second edit in the same contact, so the run that merges the photo visibly happened.
        var current = (await google.GetAsync([atGoogle.Id], CancellationToken.None)).Single();
        Assert.True((await google.UpdateAsync([new ProviderContactUpdate(current.Id, current.Fields with { JobTitle = "After" }, current.ETag)], CancellationToken.None))[0].Succeeded);
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await Eventually.TrueAsync(async () => (await crm.GetContactAsync(contact)).GetProperty("jobTitle").GetString() == "After", "the Google edit in the CRM");
        var before = DateTimeOffset.UtcNow;
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection, before);

        Assert.Equal(own, (await crm.GetContactAsync(contact)).GetProperty("photoUrl").GetString());
        Assert.DoesNotContain(await HistoryAsync(crm, contact), e => e.GetProperty("changes").EnumerateArray().Any(c => c.GetProperty("field").GetString() == "photoUrl")
            && e.GetProperty("actor").GetProperty("kind").GetString() == "connection");
    }

    // ---- Rule 15 ----

    [Fact]
    public async Task Two_users_who_hold_the_same_person_at_Google_each_get_their_own_CRM_contact_and_see_the_other_as_a_likely_duplicate()
    {
        var admin = await system.NewTenantAsync();
        var colleague = await system.NewUserAsync(admin);
        var s = Suffix();
        var shared = $"same-{s}@example.com";
        var family = "Same" + s;
        var connections = new List<(CrmUser User, Guid Connection)>();
        foreach (var user in new[] { admin, colleague })
        {
            var email = SyncFixture.Email();
            var google = await system.AtProviderAsync("google", email);
            var group = await google.EnsureGroupAsync("People " + s, CancellationToken.None);
            Assert.True((await google.CreateAsync(group.Id, [new NewProviderContact(Guid.NewGuid().ToString(), new ContactFields
            {
                Name = new PersonName("Pat", Family: family), Emails = [new EmailAddress(shared)],
            })], CancellationToken.None))[0].Succeeded);
            var account = await system.ConnectAccountAsync(user, "google", email);
            connections.Add((user, await user.NewConnectionAsync(new { accountId = account, scope = "owned", group = new { id = group.Id }, visibility = "company" })));
        }
        foreach (var (user, connection) in connections) await user.StepAsync(connection, "start", HttpStatusCode.Accepted);
        foreach (var (user, connection) in connections) await user.SyncedAsync(connection);

        List<JsonElement> found = [];
        await Eventually.TrueAsync(async () => (found = await SearchAsync(admin, family)).Count >= 2, "both imports");
        Assert.Equal(2, found.Count);
        var mine = found.Single(c => c.GetProperty("ownerId").GetGuid() == admin.UserId).GetProperty("id").GetGuid();
        var theirs = found.Single(c => c.GetProperty("ownerId").GetGuid() == colleague.UserId).GetProperty("id").GetGuid();
        Assert.NotEqual(mine, theirs);
        Assert.Equal(2, (await SearchAsync(colleague, family)).Count);
        foreach (var id in new[] { mine, theirs }) Assert.Equal([shared], EmailsOf(await admin.GetContactAsync(id)));

        await AssertLikelyDuplicateAsync(admin, mine, theirs);
        await AssertLikelyDuplicateAsync(colleague, theirs, mine);

        // Still two after more runs: nothing merged them.
        foreach (var (user, connection) in connections)
        {
            var before = DateTimeOffset.UtcNow;
            await user.StepAsync(connection, "sync", HttpStatusCode.Accepted);
            await user.SyncedAsync(connection, before);
        }
        Assert.Equal(2, (await SearchAsync(admin, family)).Count);
    }

    // ---- steps ----

    private async Task<(Guid Connection, string GroupId, IContactProvider Google)> TwoWayWithGoogleAsync(CrmUser crm, string? email = null)
    {
        email ??= SyncFixture.Email();
        var account = await system.ConnectAccountAsync(crm, "google", email);
        var connection = await crm.NewConnectionAsync(new { accountId = account, scope = "owned", group = new { name = "Rules " + Suffix() } });
        await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
        var synced = await crm.SyncedAsync(connection);
        return (connection, synced.GetProperty("group").GetProperty("id").GetString()!, await system.AtProviderAsync("google", email));
    }

    private static async Task<ProviderContact> AtGoogleAsync(IContactProvider google, string groupId, Guid contact)
    {
        ProviderContact? found = null;
        await Eventually.TrueAsync(async () => (found = (await google.ContactsInGroupAsync(groupId)).FirstOrDefault(c => c.CrmId == contact.ToString())) is not null,
            "the contact at Google");
        return found!;
    }

    /// <summary>Pauses the connection and waits until no run is under way, so no run sees one side's edit without the other's.</summary>
    private static async Task PauseAsync(CrmUser crm, Guid connection)
    {
        await crm.StepAsync(connection, "pause", HttpStatusCode.OK);
        await Eventually.TrueAsync(async () => (await crm.GetConnectionAsync(connection)) is var c
            && c.GetProperty("state").GetString() == "paused" && c.GetProperty("progress").ValueKind == JsonValueKind.Null,
            "the paused connection without a run", TimeSpan.FromSeconds(60));
    }

    /// <summary>Sets a photo the way Google Contacts does (people.updateContactPhoto on the person's account); the photo's URL.</summary>
    private async Task<string> SetGooglePhotoAsync(string email, string resourceName)
    {
        using var account = await system.Sandbox.PostAsJsonAsync("_sandbox/google/accounts", new { email });
        var token = (await SyncFixture.Read(account, HttpStatusCode.Created)).GetProperty("accessToken").GetString();
        using var client = system.Sandbox;
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        using var res = await client.PatchAsync($"v1/{resourceName}:updateContactPhoto", JsonContent.Create(new { photoBytes = Png, personFields = "photos" }));
        var person = await SyncFixture.Read(res, HttpStatusCode.OK);
        return person.GetProperty("person").GetProperty("photos").EnumerateArray().First(p => !(p.TryGetProperty("default", out var d) && d.GetBoolean())).GetProperty("url").GetString()!;
    }

    /// <summary>Update requests Google got (single and batch), from the sandbox's counts; photo writes are not the sync's.</summary>
    private async Task<long> GoogleUpdateRequestsAsync()
    {
        var stats = await SyncFixture.Read(await system.Sandbox.GetAsync("_sandbox/stats"), HttpStatusCode.OK);
        return stats.GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("provider").GetString() == "google")
            .Where(i => i.GetProperty("endpoint").GetString() is { } e && (e.Contains("batchUpdateContacts", StringComparison.Ordinal)
                || (e.StartsWith("PATCH ", StringComparison.Ordinal) && e.Contains("v1/people/", StringComparison.Ordinal))))
            .Sum(i => i.GetProperty("count").GetInt64());
    }

    /// <summary>The global positions of the observation of <paramref name="providerId"/> at <paramref name="version"/> on the
    /// connection's sync stream and of the first later <paramref name="appliedType"/> event on the contact's stream.</summary>
    private async Task<(long Observed, long Applied)> ObservedThenAppliedAsync(Guid connection, string providerId, string version, Guid contact, string appliedType,
        string? mentions = null)
    {
        await using var conn = new Npgsql.NpgsqlConnection(system.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("""
            SELECT e.global_position, s.stream_name, e.event_type, e.data::text, e.data->>'providerId', e.data->>'version'
            FROM es.events e JOIN es.streams s ON s.stream_id = e.stream_id
            WHERE s.stream_name = ANY($1) ORDER BY e.global_position
            """, conn) { Parameters = { new() { Value = new[] { StreamNames.ConnectionSync(connection), StreamNames.Contact(contact) } } } };
        var rows = new List<(long Position, string Stream, string Type, string Data, string? ProviderId, string? Version)>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        var applied = rows.Where(r => r.Stream == StreamNames.Contact(contact) && r.Type.StartsWith(appliedType + ".", StringComparison.Ordinal)
            && (mentions is null || r.Data.Contains(mentions, StringComparison.Ordinal))).ToList();
        Assert.NotEmpty(applied);
        var observed = rows.Where(r => r.Stream == StreamNames.ConnectionSync(connection) && r.Type.StartsWith("ProviderChangeObserved.", StringComparison.Ordinal)
            && r.ProviderId == providerId && r.Version == version).ToList();
        Assert.NotEmpty(observed);
        return (observed[0].Position, applied[0].Position);
    }

    private static void AssertByConnection(JsonElement entry, Guid connection)
    {
        var actor = entry.GetProperty("actor");
        Assert.Equal("connection", actor.GetProperty("kind").GetString());
        Assert.Equal(connection, Guid.Parse(actor.GetProperty("id").GetString()!));
    }

    private static async Task AssertLikelyDuplicateAsync(CrmUser user, Guid contact, Guid other)
    {
        using var res = await user.Api.GetAsync($"/api/contacts/{contact}/duplicates");
        var items = (await SyncFixture.Read(res, HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        var duplicate = Assert.Single(items, i => i.GetProperty("contact").GetProperty("id").GetGuid() == other);
        Assert.Contains("email", duplicate.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.DoesNotContain(items, i => i.GetProperty("contact").GetProperty("id").GetGuid() == contact);
    }

    private static int Requests(JsonElement run, string endpoint) =>
        run.TryGetProperty("providerRequests", out var r) && r.ValueKind == JsonValueKind.Object && r.TryGetProperty(endpoint, out var n) ? n.GetInt32() : 0;

    private static string[] EmailsOf(JsonElement contact) => [.. contact.GetProperty("emails").EnumerateArray().Select(e => e.GetProperty("value").GetString()!)];

    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];

    private static async Task<JsonElement> DashboardAsync(CrmUser crm, Guid connection)
    {
        using var res = await crm.Api.GetAsync($"/api/connections/{connection}/dashboard");
        return await SyncFixture.Read(res, HttpStatusCode.OK);
    }

    private static async Task<List<JsonElement>> HistoryAsync(CrmUser crm, Guid contact)
    {
        using var res = await crm.Api.GetAsync($"/api/contacts/{contact}/history?limit=100");
        return [.. (await SyncFixture.Read(res, HttpStatusCode.OK)).GetProperty("items").EnumerateArray()];
    }

    /// <summary>The one imported contact of that given name, once the contacts read model (which can trail the
    /// connections one) shows it.</summary>
    private static async Task<JsonElement> ImportedAsync(CrmUser crm, string family, string given)
    {
        List<JsonElement> found = [];
        await Eventually.TrueAsync(async () => (found = [.. (await SearchAsync(crm, family)).Where(c => c.GetProperty("name").GetProperty("given").GetString() == given)]).Count > 0,
            $"the imported {given}");
        return Assert.Single(found);
    }

    private static async Task<List<JsonElement>> SearchAsync(CrmUser crm, string q)
    {
        using var res = await crm.Api.GetAsync($"/api/contacts?q={Uri.EscapeDataString(q)}&limit=500");
        return [.. (await SyncFixture.Read(res, HttpStatusCode.OK)).GetProperty("items").EnumerateArray()];
    }
}
