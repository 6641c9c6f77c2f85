using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace ContactSync.Sandbox.Tests.Google;

/// <summary>The <c>propagationDelayMs</c> fault: writes reach listings and sync-token feeds late, reads by
/// resource name at once. This class owns its sandbox, so the delay it sets affects no other test.</summary>
public sealed class GooglePropagationDelayTests(GoogleSandboxFixture sandbox) : IClassFixture<GoogleSandboxFixture>, IAsyncLifetime
{
    private const int DelayMs = 600;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => sandbox.Http.PostJsonAsync("_sandbox/faults", new { provider = "google", propagationDelayMs = 0 });

    private static string Name(JsonElement person) => person.GetProperty("resourceName").GetString()!;

    private static string GivenName(JsonElement person) => person.GetProperty("names")[0].GetProperty("givenName").GetString()!;

    private static bool IsDeleted(JsonElement person) =>
        person.TryGetProperty("metadata", out var m) && m.TryGetProperty("deleted", out var d) && d.GetBoolean();

    private static async Task<(List<JsonElement> People, string? SyncToken)> ListAsync(HttpClient client, string query)
    {
        var (status, body) = await client.GetJsonAsync($"v1/people/me/connections?personFields=names&pageSize=1000&{query}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.TryGetProperty("nextPageToken", out _));
        return ([.. body.Items("connections")], body.TryGetProperty("nextSyncToken", out var sync) ? sync.GetString() : null);
    }

    private async Task SetDelayAsync(int ms)
    {
        var (status, _) = await sandbox.Http.PostJsonAsync("_sandbox/faults", new { provider = "google", propagationDelayMs = ms });
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Writes_are_hidden_from_listings_and_feeds_until_the_delay_passed_then_a_feed_from_before_delivers_them()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var kept = await client.CreateContactAsync("Kept");
        var doomed = await client.CreateContactAsync("Doomed");
        var before = (await ListAsync(client, "requestSyncToken=true")).SyncToken!;

        await SetDelayAsync(DelayMs);
        var clock = Stopwatch.StartNew();
        var added = await client.CreateContactAsync("Added");
        var (updateStatus, updated) = await client.PatchJsonAsync($"v1/{kept.ResourceName}:updateContact?updatePersonFields=names&personFields=names",
            new { etag = kept.Etag, names = new[] { new { givenName = "Kept v2" } } });
        Assert.Equal(HttpStatusCode.OK, updateStatus);
        Assert.Equal(HttpStatusCode.OK, (await client.SendJsonAsync(HttpMethod.Delete, $"v1/{doomed.ResourceName}:deleteContact")).Status);

        // Reads by resource name and etag checks are current at once.
        var (_, direct) = await client.GetJsonAsync($"v1/{kept.ResourceName}?personFields=names");
        Assert.Equal("Kept v2", GivenName(direct));
        Assert.Equal(updated.GetProperty("etag").GetString(), direct.GetProperty("etag").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync($"v1/{added.ResourceName}?personFields=names")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetJsonAsync($"v1/{doomed.ResourceName}?personFields=names")).Status);
        var (batchStatus, batch) = await client.GetJsonAsync($"v1/people:batchGet?personFields=names&resourceNames={added.ResourceName}");
        Assert.Equal(HttpStatusCode.OK, batchStatus);
        Assert.Equal(200, batch.GetProperty("responses")[0].GetProperty("httpStatusCode").GetInt32());
        var (stale, _) = await client.PatchJsonAsync($"v1/{kept.ResourceName}:updateContact?updatePersonFields=names",
            new { etag = kept.Etag, names = new[] { new { givenName = "Lost" } } });
        Assert.Equal(HttpStatusCode.BadRequest, stale);

        // Listings and the feed still show the state before the writes.
        var (full, _) = await ListAsync(client, "requestSyncToken=true");
        var (early, duringToken) = await ListAsync(client, $"syncToken={before}");
        var during = duringToken!;
        Assert.True(clock.ElapsedMilliseconds < DelayMs, "the machine was too slow to observe the hidden state");
        Assert.Equal(new[] { kept.ResourceName, doomed.ResourceName }.Order(), full.Select(Name).Order());
        var listedKept = full.Single(p => Name(p) == kept.ResourceName);
        Assert.Equal("Kept", GivenName(listedKept));
        Assert.Equal(kept.Etag, listedKept.GetProperty("etag").GetString());
        Assert.Empty(early);

        // Once visible, both a cursor from before the writes and one taken while they were hidden deliver them.
        foreach (var token in new[] { before, during })
        {
            var (changes, _) = await Eventually.UntilAsync(() => ListAsync(client, $"syncToken={token}"), r => r.People.Count == 3,
                what: "the delayed writes in the incremental sync");
            var byName = changes.ToDictionary(Name);
            Assert.Equal("Kept v2", GivenName(byName[kept.ResourceName]));
            Assert.Equal("Added", GivenName(byName[added.ResourceName]));
            Assert.True(IsDeleted(byName[doomed.ResourceName]));
        }
        Assert.True(clock.ElapsedMilliseconds >= DelayMs);
        var (after, _) = await ListAsync(client, "requestSyncToken=true");
        Assert.Equal(new[] { kept.ResourceName, added.ResourceName }.Order(), after.Select(Name).Order());
    }

    [Fact]
    public async Task Group_members_show_a_membership_change_after_the_delay()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var (_, group) = await client.PostJsonAsync("v1/contactGroups", new { contactGroup = new { name = $"G {Guid.NewGuid():N}" } });
        var groupName = group.GetProperty("resourceName").GetString()!;
        var member = await client.CreateContactAsync("Member");
        await SetDelayAsync(DelayMs);

        var (modify, _) = await client.PostJsonAsync($"v1/{groupName}/members:modify", new { resourceNamesToAdd = new[] { member.ResourceName } });
        Assert.Equal(HttpStatusCode.OK, modify);

        async Task<List<string>> MembersAsync() =>
            [.. (await client.GetJsonAsync($"v1/{groupName}?maxMembers=10")).Body.Items("memberResourceNames").Select(m => m.GetString()!)];
        Assert.Empty(await MembersAsync());
        Assert.Equal([member.ResourceName], await Eventually.UntilAsync(MembersAsync, m => m.Count == 1, what: "the new member"));
    }

    [Fact]
    public async Task Without_a_delay_writes_show_at_once()
    {
        await SetDelayAsync(0);
        var (_, client) = await sandbox.NewAccountAsync();
        var token = (await ListAsync(client, "requestSyncToken=true")).SyncToken;
        var created = await client.CreateContactAsync("Now");

        Assert.Equal([created.ResourceName], (await ListAsync(client, "")).People.Select(Name));
        Assert.Equal([created.ResourceName], (await ListAsync(client, $"syncToken={token}")).People.Select(Name));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(600_001)]
    public async Task An_out_of_range_delay_is_a_400_validation_problem(int ms)
    {
        var (status, body) = await sandbox.Http.PostJsonAsync("_sandbox/faults", new { provider = "google", propagationDelayMs = ms });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("propagationDelayMs", out _));
    }
}

/// <summary>Versions of one contact written within the delay show one after another, each at its own time;
/// the sandbox's clock is moved by hand so every step is exact.</summary>
public sealed class GooglePropagationOrderTests(ClockFixture sandbox) : IClassFixture<ClockFixture>
{
    [Fact]
    public async Task A_create_and_two_updates_within_the_delay_show_in_order_and_a_feed_never_goes_back()
    {
        var (status, _) = await sandbox.Http.PostJsonAsync("_sandbox/faults", new { provider = "google", propagationDelayMs = 1000 });
        Assert.Equal(HttpStatusCode.OK, status);
        var (_, client) = await sandbox.NewAccountAsync();
        var (_, first) = await client.GetJsonAsync("v1/people/me/connections?personFields=names&requestSyncToken=true");
        var token = first.GetProperty("nextSyncToken").GetString()!;

        var v1 = await client.CreateContactAsync("V1");
        sandbox.Clock.Advance(TimeSpan.FromMilliseconds(400));
        var (_, v2) = await client.PatchJsonAsync($"v1/{v1.ResourceName}:updateContact?updatePersonFields=names",
            new { etag = v1.Etag, names = new[] { new { givenName = "V2" } } });
        sandbox.Clock.Advance(TimeSpan.FromMilliseconds(400));
        var (_, v3) = await client.PatchJsonAsync($"v1/{v1.ResourceName}:updateContact?updatePersonFields=names",
            new { etag = v2.GetProperty("etag").GetString(), names = new[] { new { givenName = "V3" } } });

        async Task<(string? Listed, string? Fed, string Direct)> ReadAsync()
        {
            var (_, list) = await client.GetJsonAsync("v1/people/me/connections?personFields=names");
            var (_, feed) = await client.GetJsonAsync($"v1/people/me/connections?personFields=names&syncToken={token}");
            var (_, direct) = await client.GetJsonAsync($"v1/{v1.ResourceName}?personFields=names");
            static string? Etag(JsonElement body) => body.Items("connections").SingleOrDefault() is { ValueKind: JsonValueKind.Object } p ? p.GetProperty("etag").GetString() : null;
            if (feed.TryGetProperty("nextSyncToken", out var next)) token = next.GetString()!;
            return (Etag(list), Etag(feed), direct.GetProperty("etag").GetString()!);
        }

        var v3Etag = v3.GetProperty("etag").GetString()!;
        Assert.Equal((null, null, v3Etag), await ReadAsync());          // 0.8 s after the create
        sandbox.Clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal((v1.Etag, v1.Etag, v3Etag), await ReadAsync());    // 1.0 s: the create
        Assert.Equal((v1.Etag, null, v3Etag), await ReadAsync());       // the feed does not repeat it
        sandbox.Clock.Advance(TimeSpan.FromMilliseconds(400));
        var v2Etag = v2.GetProperty("etag").GetString()!;
        Assert.Equal((v2Etag, v2Etag, v3Etag), await ReadAsync());      // 1.4 s: the first update
        sandbox.Clock.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal((v3Etag, v3Etag, v3Etag), await ReadAsync());      // 1.8 s: the second update
        Assert.Equal((v3Etag, null, v3Etag), await ReadAsync());
    }
}
