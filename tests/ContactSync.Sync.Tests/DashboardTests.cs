using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContactSync.Domain.Contacts;
using ContactSync.Providers;
using ContactSync.Sync.Tests.Support;

namespace ContactSync.Sync.Tests;

/// <summary>Issue 8, items 6 and 7: a connection's dashboard, applying a side of a conflict, reverting a run.</summary>
[Collection(SyncCollection.Name)]
public sealed class DashboardTests(SyncFixture system)
{
    [Fact]
    public async Task A_conflict_shows_on_the_dashboard_and_applying_the_losing_side_ends_with_that_value_in_the_CRM_and_at_Google()
    {
        var crm = await system.NewTenantAsync();
        var contact = await crm.NewContactAsync(new { name = new { given = "Clash", family = "Test" }, jobTitle = "Original" });
        var email = SyncFixture.Email();
        var account = await system.ConnectAccountAsync(crm, "google", email);
        var connection = await crm.NewConnectionAsync(new
        {
            accountId = account, scope = "owned", group = new { name = "Clash " + Guid.NewGuid().ToString("N")[..6] }, conflicts = "last-writer-wins",
        });
        await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
        var synced = await crm.SyncedAsync(connection);
        var google = await system.AtProviderAsync("google", email);
        var groupId = synced.GetProperty("group").GetProperty("id").GetString()!;
        await Eventually.TrueAsync(async () => (await google.ContactsInGroupAsync(groupId)).Any(c => c.CrmId == contact.ToString()), "the contact at Google");

        // Both sides change the same field between runs: paused, so no run sees one edit without the other.
        await crm.StepAsync(connection, "pause", HttpStatusCode.OK);
        await Eventually.TrueAsync(async () => (await crm.GetConnectionAsync(connection)) is var c
            && c.GetProperty("state").GetString() == "paused" && c.GetProperty("progress").ValueKind == JsonValueKind.Null, "the paused connection without a run");
        var atGoogle = (await google.ContactsInGroupAsync(groupId)).Single(c => c.CrmId == contact.ToString());
        Assert.True((await google.UpdateAsync([new ProviderContactUpdate(atGoogle.Id, atGoogle.Fields with { JobTitle = "Google title" }, atGoogle.ETag)],
            CancellationToken.None))[0].Succeeded);
        using (var patch = await crm.Api.PatchAsJsonAsync($"/api/contacts/{contact}", new { jobTitle = "CRM title" })) Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        await crm.StepAsync(connection, "resume", HttpStatusCode.OK);

        JsonElement dashboard = default;
        // The conflict is recorded during the run; wait for the run that recorded it to end too.
        await Eventually.TrueAsync(async () => (dashboard = await DashboardAsync(crm, connection)).GetProperty("conflicts").GetArrayLength() == 1
            && dashboard.GetProperty("runs").EnumerateArray().Any(r => r.GetProperty("conflicts").GetInt32() == 1 && r.GetProperty("state").GetString() == "completed"),
            "the conflict on the dashboard", TimeSpan.FromSeconds(60));
        var conflict = dashboard.GetProperty("conflicts")[0];
        Assert.Equal(contact, conflict.GetProperty("contactId").GetGuid());
        Assert.Equal("jobTitle", conflict.GetProperty("field").GetString());
        Assert.Equal("CRM title", conflict.GetProperty("crmValue").GetString());
        Assert.Equal("Google title", conflict.GetProperty("providerValue").GetString());
        Assert.Equal("last-writer-wins", conflict.GetProperty("policy").GetString());
        Assert.False(conflict.GetProperty("resolved").GetBoolean());
        Assert.Equal(1, dashboard.GetProperty("counts").GetProperty("conflicts").GetInt32());
        Assert.Equal(1, dashboard.GetProperty("totalSynced").GetInt32());
        Assert.Contains(dashboard.GetProperty("runs").EnumerateArray(), r => r.GetProperty("conflicts").GetInt32() == 1 && r.GetProperty("state").GetString() == "completed");
        Assert.Equal(1, dashboard.GetProperty("recent").GetProperty("added").GetProperty("provider").GetInt32());
        Assert.Equal(0, dashboard.GetProperty("recent").GetProperty("added").GetProperty("crm").GetInt32());
        var winner = conflict.GetProperty("winner").GetString();
        var loser = winner == "crm" ? "provider" : "crm";
        var expected = loser == "crm" ? "CRM title" : "Google title";
        var conflictId = conflict.GetProperty("id").GetGuid();

        // The winner is what both sides hold after the run.
        var winning = winner == "crm" ? "CRM title" : "Google title";
        await Eventually.TrueAsync(async () => (await google.GetAsync([atGoogle.Id], CancellationToken.None)).Single().Fields.JobTitle == winning, "the winner at Google");

        // Hostile or wrong input changes nothing.
        var url = $"/api/connections/{connection}/conflicts/{conflictId}/apply";
        foreach (var bad in new[] { """{"side":"both"}""", """{"side":1}""", """{"side":"crm","extra":true}""", "[]", "{}" })
            await PostAsync(crm, url, bad, HttpStatusCode.UnprocessableEntity);
        await PostAsync(crm, url, "{\"side\":", HttpStatusCode.BadRequest);
        await PostAsync(crm, $"/api/connections/{connection}/conflicts/{Guid.NewGuid()}/apply", """{"side":"crm"}""", HttpStatusCode.NotFound);
        await PostAsync(crm, $"/api/connections/{Guid.NewGuid()}/conflicts/{conflictId}/apply", """{"side":"crm"}""", HttpStatusCode.NotFound);
        var colleague = await system.NewUserAsync(crm);
        await PostAsync(colleague, url, """{"side":"crm"}""", HttpStatusCode.NotFound);
        using (var hidden = await colleague.Api.GetAsync($"/api/connections/{connection}/dashboard")) Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(1, (await DashboardAsync(crm, connection)).GetProperty("conflicts").GetArrayLength());

        var applied = await PostAsync(crm, url, $$"""{"side":"{{loser}}"}""", HttpStatusCode.OK);
        Assert.True(applied.GetProperty("resolved").GetBoolean());
        Assert.Equal(loser, applied.GetProperty("resolutionSide").GetString());
        await PostAsync(crm, url, $$"""{"side":"{{loser}}"}""", HttpStatusCode.Conflict);

        // Applied everywhere: the CRM through an ordinary edit by the caller, Google through the engine's push.
        Assert.Equal(expected, (await crm.GetContactAsync(contact)).GetProperty("jobTitle").GetString());
        await Eventually.TrueAsync(async () => (await google.GetAsync([atGoogle.Id], CancellationToken.None)).Single().Fields.JobTitle == expected,
            "the applied value at Google", TimeSpan.FromSeconds(60));
        var after = await DashboardAsync(crm, connection);
        Assert.Equal(0, after.GetProperty("conflicts").GetArrayLength());
        Assert.Equal(0, after.GetProperty("counts").GetProperty("conflicts").GetInt32());
        using (var all = await crm.Api.GetAsync($"/api/connections/{connection}/conflicts?state=all"))
        {
            var items = (await SyncFixture.Read(all, HttpStatusCode.OK)).GetProperty("items");
            Assert.Equal(loser, items.EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == conflictId).GetProperty("resolutionSide").GetString());
        }
        var history = await HistoryAsync(crm, contact);
        Assert.Contains(history, e => e.GetProperty("actor").GetProperty("id").GetString() == crm.UserId.ToString()
            && e.GetProperty("changes").EnumerateArray().Any(c => c.GetProperty("field").GetString() == "jobTitle"));
        // Still the same value after later runs (nothing bounces back).
        var now = DateTimeOffset.UtcNow;
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection, now);
        Assert.Equal(expected, (await crm.GetContactAsync(contact)).GetProperty("jobTitle").GetString());

        // The tenant's dashboard counts the connection.
        using var tenant = await crm.Api.GetAsync("/api/dashboard");
        var totals = (await SyncFixture.Read(tenant, HttpStatusCode.OK)).GetProperty("connections");
        Assert.Equal(1, totals.GetProperty("total").GetInt32());
        Assert.Equal(1, totals.GetProperty("totalSynced").GetInt32());
        Assert.Equal(0, totals.GetProperty("openConflicts").GetInt32());
        Assert.True(totals.GetProperty("recent").GetProperty("runs").GetInt32() >= 2);
    }

    [Fact]
    public async Task Reverting_a_run_that_imported_contacts_deletes_them_in_the_CRM_with_new_events_and_the_run_shows_reverted()
    {
        var crm = await system.NewTenantAsync();
        var email = SyncFixture.Email();
        var google = await system.AtProviderAsync("google", email);
        var group = await google.EnsureGroupAsync("Imports " + Guid.NewGuid().ToString("N")[..6], CancellationToken.None);
        var family = "Revert" + Guid.NewGuid().ToString("N")[..8];
        var created = await google.CreateAsync(group.Id, [.. Enumerable.Range(0, 5).Select(i => new NewProviderContact(
            Guid.NewGuid().ToString(), new ContactFields { Name = new PersonName($"Imp{i}", Family: family) }))], CancellationToken.None);
        Assert.All(created, r => Assert.True(r.Succeeded));
        var account = await system.ConnectAccountAsync(crm, "google", email);
        var connection = await crm.NewConnectionAsync(new { accountId = account, scope = "owned", group = new { id = group.Id } });
        await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection);

        // The connections read model can be ahead of the contacts one: wait for the imports to show.
        var imported = new List<JsonElement>();
        await Eventually.TrueAsync(async () => (imported = await SearchAsync(crm, family)).Count == 5, "the 5 imported contacts");
        JsonElement dashboard = default;
        await Eventually.TrueAsync(async () => (dashboard = await DashboardAsync(crm, connection)).GetProperty("runs").EnumerateArray()
            .Any(r => r.GetProperty("kind").GetString() == "first-sync" && r.GetProperty("state").GetString() == "completed"), "the first sync on the dashboard");
        var firstSync = dashboard.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("kind").GetString() == "first-sync");
        Assert.Equal(5, firstSync.GetProperty("created").GetProperty("crm").GetInt32());
        Assert.Equal(0, firstSync.GetProperty("created").GetProperty("provider").GetInt32());
        Assert.Equal(5, firstSync.GetProperty("linked").GetInt32());
        Assert.True(firstSync.GetProperty("providerRequests").GetProperty("changes").GetInt32() >= 1);
        Assert.Equal(5, dashboard.GetProperty("totalSynced").GetInt32());
        Assert.Equal(5, dashboard.GetProperty("recent").GetProperty("added").GetProperty("crm").GetInt32());
        Assert.Equal(0, dashboard.GetProperty("errors").GetArrayLength());
        var runId = firstSync.GetProperty("id").GetGuid();

        await PostAsync(crm, $"/api/connections/{connection}/runs/{Guid.NewGuid()}/revert", null, HttpStatusCode.NotFound);
        var colleague = await system.NewUserAsync(crm);
        await PostAsync(colleague, $"/api/connections/{connection}/runs/{runId}/revert", null, HttpStatusCode.NotFound);

        var reverted = await PostAsync(crm, $"/api/connections/{connection}/runs/{runId}/revert", null, HttpStatusCode.Accepted);
        Assert.Equal(5, reverted.GetProperty("deleted").GetInt32());
        await PostAsync(crm, $"/api/connections/{connection}/runs/{runId}/revert", null, HttpStatusCode.Conflict);

        Assert.Empty(await SearchAsync(crm, family));
        foreach (var c in imported)
        {
            var id = c.GetProperty("id").GetGuid();
            Assert.True((await crm.GetContactAsync(id, includeDeleted: true)).GetProperty("deleted").GetBoolean());
            var history = await HistoryAsync(crm, id);
            Assert.Equal("connection", history[0].GetProperty("actor").GetProperty("kind").GetString());   // the import stays in the history
            Assert.Contains(history, e => e.GetProperty("type").GetString()!.StartsWith("ContactDeleted", StringComparison.Ordinal)
                && e.GetProperty("actor").GetProperty("id").GetString() == crm.UserId.ToString());
        }
        var after = await DashboardAsync(crm, connection);
        Assert.Equal("reverted", after.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("id").GetGuid() == runId).GetProperty("state").GetString());

        // The revert syncs out as ordinary edits: the deleted contacts leave the Google group (the sync did not create them, so they stay at Google).
        await Eventually.TrueAsync(async () => (await google.ContactsInGroupAsync(group.Id)).Count == 0, "the reverted contacts out of the group", TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(async () => (await DashboardAsync(crm, connection)).GetProperty("totalSynced").GetInt32() == 0, "no contact synced any more");
        Assert.Equal(5, (await google.GetAsync([.. created.Select(c => c.Id!)], CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Reverting_a_run_that_pulled_an_edit_sets_the_field_back_in_the_CRM_and_at_Google()
    {
        var crm = await system.NewTenantAsync();
        var contact = await crm.NewContactAsync(new { name = new { given = "Undo", family = "Me" }, company = "Initech" });
        var email = SyncFixture.Email();
        var account = await system.ConnectAccountAsync(crm, "google", email);
        var connection = await crm.NewConnectionAsync(new { accountId = account, scope = "owned", group = new { name = "Undo " + Guid.NewGuid().ToString("N")[..6] } });
        await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
        var synced = await crm.SyncedAsync(connection);
        var google = await system.AtProviderAsync("google", email);
        var groupId = synced.GetProperty("group").GetProperty("id").GetString()!;
        ProviderContact? atGoogle = null;
        await Eventually.TrueAsync(async () => (atGoogle = (await google.ContactsInGroupAsync(groupId)).FirstOrDefault(c => c.CrmId == contact.ToString())) is not null,
            "the contact at Google");

        Assert.True((await google.UpdateAsync([new ProviderContactUpdate(atGoogle!.Id, atGoogle.Fields with { Company = "Globex" }, atGoogle.ETag)],
            CancellationToken.None))[0].Succeeded);
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await Eventually.TrueAsync(async () => (await crm.GetContactAsync(contact)).GetProperty("company").GetString() == "Globex", "the Google edit in the CRM");
        JsonElement pulled = default;
        await Eventually.TrueAsync(async () => (await DashboardAsync(crm, connection)).GetProperty("runs").EnumerateArray()
            .Where(r => r.GetProperty("updated").GetProperty("crm").GetInt32() == 1 && r.GetProperty("state").GetString() == "completed")
            .Select(r => pulled = r).Any(), "the run that pulled the edit");

        var reverted = await PostAsync(crm, $"/api/connections/{connection}/runs/{pulled.GetProperty("id").GetGuid()}/revert", null, HttpStatusCode.Accepted);
        Assert.Equal(1, reverted.GetProperty("updated").GetInt32());
        Assert.Equal(0, reverted.GetProperty("deleted").GetInt32());
        Assert.Equal("Initech", (await crm.GetContactAsync(contact)).GetProperty("company").GetString());
        var history = await HistoryAsync(crm, contact);
        Assert.Equal(crm.UserId.ToString(), history[^1].GetProperty("actor").GetProperty("id").GetString());
        Assert.Contains(history, e => e.GetProperty("actor").GetProperty("kind").GetString() == "connection");   // the pulled edit stays in the history
        await Eventually.TrueAsync(async () => (await google.GetAsync([atGoogle.Id], CancellationToken.None)).Single().Fields.Company == "Initech",
            "the reverted value at Google", TimeSpan.FromSeconds(60));
    }

    private static async Task<JsonElement> DashboardAsync(CrmUser crm, Guid connection)
    {
        using var res = await crm.Api.GetAsync($"/api/connections/{connection}/dashboard");
        return await SyncFixture.Read(res, HttpStatusCode.OK);
    }

    private static async Task<JsonElement> PostAsync(CrmUser user, string url, string? json, HttpStatusCode expected)
    {
        using var content = json is null ? null : new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var res = await user.Api.PostAsync(url, content);
        return await SyncFixture.Read(res, expected);
    }

    private static async Task<List<JsonElement>> HistoryAsync(CrmUser crm, Guid contact)
    {
        using var res = await crm.Api.GetAsync($"/api/contacts/{contact}/history?limit=100");
        return [.. (await SyncFixture.Read(res, HttpStatusCode.OK)).GetProperty("items").EnumerateArray()];
    }

    private static async Task<List<JsonElement>> SearchAsync(CrmUser crm, string q)
    {
        using var res = await crm.Api.GetAsync($"/api/contacts?q={q}&limit=500");
        return [.. (await SyncFixture.Read(res, HttpStatusCode.OK)).GetProperty("items").EnumerateArray()];
    }
}
