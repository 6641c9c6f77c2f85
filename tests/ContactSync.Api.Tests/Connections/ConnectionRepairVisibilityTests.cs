using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContactSync.Api.Tests.Support;
using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Sync;
using ContactSync.EventStore;
using static ContactSync.Api.Tests.Connections.ConnectionTestSupport;

namespace ContactSync.Api.Tests.Connections;

/// <summary>
/// Issue 15, item 8: a connection's repairs and its conflicts follow the contacts API's visibility rule at the time of
/// the request, not at the time of the run: a contact the caller cannot see any more is neither reverted nor shown.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ConnectionRepairVisibilityTests(ApiFixture api) : IAsyncLifetime
{
    private readonly ConnectionTestSupport support = new(api);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await support.DisposeAsync();

    [Fact]
    public async Task Reverting_a_run_skips_a_contact_the_caller_can_no_longer_see_and_its_conflict_shows_hidden_without_values()
    {
        var tenant = await api.NewTenantAsync();
        var user = await support.NewUserAsync(tenant);
        var colleague = await support.NewUserAsync(tenant);
        var (account, _) = await support.ConnectAccountAsync(user);
        var list = await NewListAsync(user.Client, "Customers " + Guid.NewGuid().ToString("N")[..6]);
        var id = (await CreatedAsync(user.Client, new { accountId = account, scope = "list", listId = list })).GetProperty("id").GetGuid();

        // A run of the connection imported two contacts of the user (as a worker writes them) and recorded a conflict on each.
        var t = tenant.TenantId;
        var (run, kept, moved) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var (keptConflict, movedConflict) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var now = DateTimeOffset.UtcNow;
        var byConnection = Actor.ForConnection(id, "Google");
        foreach (var (contact, given) in new[] { (kept, "Kept"), (moved, "Moved") })
            await support.AppendAsync(StreamNames.Contact(contact), ExpectedRevision.NoStream, new ContactEvent.ContactCreated(t, contact,
                new ContactFields { Name = new PersonName(given, Family: "Import"), JobTitle = given + " title" }, [], user.UserId, [],
                ContactVisibility.Owner, byConnection, now.AddSeconds(-30)));
        await support.AppendAsync(StreamNames.ConnectionSync(id), ExpectedRevision.NoStream,
            new SyncEvent.SyncRunStarted(t, id, run, RunKind.FirstSync, now.AddMinutes(-1)),
            new SyncEvent.ConflictRecorded(t, id, run, keptConflict, kept, "jobTitle", JsonSerializer.SerializeToElement("Kept CRM"),
                JsonSerializer.SerializeToElement("Kept Google"), now, now, ConflictPolicy.LastWriterWins, SyncSide.Crm, now.AddSeconds(-20)),
            new SyncEvent.ConflictRecorded(t, id, run, movedConflict, moved, "jobTitle", JsonSerializer.SerializeToElement("Moved CRM"),
                JsonSerializer.SerializeToElement("Moved Google"), now, now, ConflictPolicy.LastWriterWins, SyncSide.Crm, now.AddSeconds(-20)));
        var position = await support.AppendAsync(StreamNames.ConnectionSync(id), ExpectedRevision.Exact(2),
            new SyncEvent.SyncRunCompleted(t, id, run, RunCounts.Zero with { CreatedInCrm = 2, Conflicts = 2 }, [], now));
        var url = $"/api/connections/{id}";
        await TestApi.ReadAsync(await user.Client.GetAsync($"{url}?minPosition={position.Commit}.{position.Prepare}"), HttpStatusCode.OK);

        // Since the run, an admin gave one contact to a colleague, visible to its owner only: the user no longer sees it.
        await TestApi.ReadAsync(await tenant.Admin.PatchJsonAsync($"/api/contacts/{moved}", new { ownerId = colleague.UserId, visibility = "owner" }), HttpStatusCode.OK);
        await TestApi.ProblemAsync(await user.Client.GetAsync($"/api/contacts/{moved}"), HttpStatusCode.NotFound);

        // Its conflict still counts, but shows no value of the contact; the visible one shows both.
        var conflicts = (await TestApi.ReadAsync(await user.Client.GetAsync($"{url}/conflicts?state=all"), HttpStatusCode.OK)).GetProperty("items");
        AssertShown(conflicts, keptConflict, "Kept CRM", "Kept Google");
        AssertHidden(conflicts, movedConflict);
        var dashboard = await TestApi.ReadAsync(await user.Client.GetAsync($"{url}/dashboard"), HttpStatusCode.OK);
        AssertShown(dashboard.GetProperty("conflicts"), keptConflict, "Kept CRM", "Kept Google");
        AssertHidden(dashboard.GetProperty("conflicts"), movedConflict);
        // An admin sees every contact, so every value.
        AssertShown((await TestApi.ReadAsync(await tenant.Admin.GetAsync($"{url}/conflicts"), HttpStatusCode.OK)).GetProperty("items"),
            movedConflict, "Moved CRM", "Moved Google");
        // Applying a side of the hidden conflict is refused as for any contact the caller cannot see.
        await TestApi.ProblemAsync(await user.Client.PostAsJsonAsync($"{url}/conflicts/{movedConflict}/apply", new { side = "provider" }), HttpStatusCode.NotFound);

        var reverted = await TestApi.ReadAsync(await user.Client.PostAsync($"{url}/runs/{run}/revert", null), HttpStatusCode.Accepted);
        Assert.Equal([1, 0, 0, 1], new[] { "deleted", "updated", "restored", "skippedNotVisible" }.Select(k => reverted.GetProperty(k).GetInt32()));

        // The visible import is deleted by the user; the other is as the colleague holds it, with no event from the revert.
        Assert.True((await TestApi.ReadAsync(await user.Client.GetAsync($"/api/contacts/{kept}?includeDeleted=true"), HttpStatusCode.OK)).GetProperty("deleted").GetBoolean());
        var other = await TestApi.ReadAsync(await colleague.Client.GetAsync($"/api/contacts/{moved}"), HttpStatusCode.OK);
        Assert.False(other.GetProperty("deleted").GetBoolean());
        Assert.Equal(colleague.UserId, other.GetProperty("ownerId").GetGuid());
        var events = await support.EventsAsync(StreamNames.Contact(moved));
        Assert.DoesNotContain(events, e => e.Type.StartsWith("ContactDeleted", StringComparison.Ordinal));
        Assert.All(events, e => Assert.NotEqual(user.UserId.ToString(), e.Data.GetProperty("actor").GetProperty("id").GetString()));
    }

    private static void AssertShown(JsonElement conflicts, Guid conflict, string crm, string provider)
    {
        var c = conflicts.EnumerateArray().Single(x => x.GetProperty("id").GetGuid() == conflict);
        Assert.False(c.GetProperty("hidden").GetBoolean());
        Assert.Equal([crm, provider], [c.GetProperty("crmValue").GetString()!, c.GetProperty("providerValue").GetString()!]);
    }

    private static void AssertHidden(JsonElement conflicts, Guid conflict)
    {
        var c = conflicts.EnumerateArray().Single(x => x.GetProperty("id").GetGuid() == conflict);
        Assert.True(c.GetProperty("hidden").GetBoolean());
        Assert.Equal(JsonValueKind.Null, c.GetProperty("crmValue").ValueKind);
        Assert.Equal(JsonValueKind.Null, c.GetProperty("providerValue").ValueKind);
        Assert.Equal("jobTitle", c.GetProperty("field").GetString());
    }
}
