using System.Net;
using System.Text.Json;

namespace ContactSync.Sandbox.Tests.Google;

public sealed class GoogleSyncTokenTests(GoogleSandboxFixture sandbox) : IClassFixture<GoogleSandboxFixture>
{
    private static async Task<(List<JsonElement> People, string SyncToken, int Pages)> ListAllAsync(HttpClient client, string query)
    {
        var people = new List<JsonElement>();
        string? pageToken = null;
        var pages = 0;
        while (true)
        {
            var (status, body) = await client.GetJsonAsync($"v1/people/me/connections?personFields=names,memberships&{query}" + (pageToken is null ? "" : $"&pageToken={pageToken}"));
            Assert.Equal(HttpStatusCode.OK, status);
            pages++;
            people.AddRange(body.Items("connections"));
            var hasPage = body.TryGetProperty("nextPageToken", out var next);
            var hasSync = body.TryGetProperty("nextSyncToken", out var sync);
            // nextSyncToken comes only on the last page.
            Assert.NotEqual(hasPage, hasSync);
            if (!hasPage) return (people, sync.GetString()!, pages);
            pageToken = next.GetString();
        }
    }

    [Fact]
    public async Task A_paged_full_sync_returns_every_contact_once_and_the_sync_token_only_on_the_last_page()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var created = new List<string>();
        for (var i = 0; i < 7; i++) created.Add((await client.CreateContactAsync($"P{i}")).ResourceName);

        var (people, _, pages) = await ListAllAsync(client, "pageSize=3&requestSyncToken=true");

        Assert.Equal(3, pages);
        Assert.Equal(created.Order(), people.Select(p => p.GetProperty("resourceName").GetString()!).Order());
    }

    [Fact]
    public async Task An_incremental_sync_returns_changed_contacts_and_tombstones_with_metadata_deleted()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var kept = await client.CreateContactAsync("Kept");
        var changed = await client.CreateContactAsync("Changed");
        var deleted = await client.CreateContactAsync("Deleted");
        var (_, token, _) = await ListAllAsync(client, "requestSyncToken=true");

        await client.PatchJsonAsync($"v1/{changed.ResourceName}:updateContact?updatePersonFields=names",
            new { etag = changed.Etag, names = new[] { new { givenName = "Changed again" } } });
        Assert.Equal(HttpStatusCode.OK, (await client.SendJsonAsync(HttpMethod.Delete, $"v1/{deleted.ResourceName}:deleteContact")).Status);
        var added = await client.CreateContactAsync("Added");

        var (people, _, _) = await ListAllAsync(client, $"syncToken={token}&pageSize=2");

        var byName = people.ToDictionary(p => p.GetProperty("resourceName").GetString()!);
        Assert.Equal(new[] { changed.ResourceName, deleted.ResourceName, added.ResourceName }.Order(), byName.Keys.Order());
        Assert.DoesNotContain(kept.ResourceName, byName.Keys);
        Assert.Equal("Changed again", byName[changed.ResourceName].GetProperty("names")[0].GetProperty("givenName").GetString());
        var tombstone = byName[deleted.ResourceName];
        Assert.True(tombstone.GetProperty("metadata").GetProperty("deleted").GetBoolean());
        Assert.False(tombstone.TryGetProperty("names", out _));
        Assert.False(byName[added.ResourceName].TryGetProperty("metadata", out var m) && m.TryGetProperty("deleted", out _));
    }

    [Fact]
    public async Task A_full_sync_leaves_deleted_contacts_out()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var gone = await client.CreateContactAsync("Gone");
        await client.CreateContactAsync("Here");
        await client.SendJsonAsync(HttpMethod.Delete, $"v1/{gone.ResourceName}:deleteContact");

        var (people, _, _) = await ListAllAsync(client, "requestSyncToken=true");

        Assert.Equal(["Here"], people.Select(p => p.GetProperty("names")[0].GetProperty("givenName").GetString()));
    }

    [Fact]
    public async Task ExpireCursors_through_the_fault_control_expires_every_issued_sync_token()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var (_, token, _) = await ListAllAsync(client, "requestSyncToken=true");

        var (controlStatus, _) = await sandbox.Http.PostJsonAsync("_sandbox/faults", new { provider = "google", expireCursors = true });
        Assert.Equal(HttpStatusCode.OK, controlStatus);
        var (status, body) = await client.GetJsonAsync($"v1/people/me/connections?personFields=names&syncToken={token}");

        GoogleApi.AssertGoogleError(status, body, 400, "FAILED_PRECONDITION", "EXPIRED_SYNC_TOKEN");
    }

    [Fact]
    public async Task An_unknown_sync_token_is_treated_as_expired()
    {
        var (_, client) = await sandbox.NewAccountAsync();

        var (status, body) = await client.GetJsonAsync("v1/people/me/connections?personFields=names&syncToken=EpNotOneOfOurs");

        GoogleApi.AssertGoogleError(status, body, 400, "FAILED_PRECONDITION", "EXPIRED_SYNC_TOKEN");
    }

    [Theory]
    [InlineData("v1/people/me/connections", "personFields")]
    [InlineData("v1/people/me/connections?personFields=names,shoeSize", "shoeSize")]
    [InlineData("v1/people/me/connections?personFields=names&pageSize=1001", "pageSize")]
    public async Task Invalid_list_parameters_are_400_INVALID_ARGUMENT(string path, string mentioned)
    {
        var (_, client) = await sandbox.NewAccountAsync();

        var (status, body) = await client.GetJsonAsync(path);

        GoogleApi.AssertGoogleError(status, body, 400, "INVALID_ARGUMENT");
        Assert.Contains(mentioned, body.GetProperty("error").GetProperty("message").GetString());
    }
}
