using System.Net;
using System.Net.Http.Json;
using System.Text;
using ContactSync.Api.Tests.Support;
using Npgsql;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Fuzz;

/// <summary>
/// Well over a thousand malformed or hostile requests across the endpoints. Every one must be refused with a 4xx
/// problem (never a 5xx, never a bare error), and none may change anything: the log's head and every read
/// model's checksum are the same before and after.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HostileRequestsTests(ApiFixture api)
{
    [Fact]
    public async Task A_thousand_hostile_requests_get_4xx_problems_and_change_nothing()
    {
        var t = await api.NewTenantAsync();
        var user = await api.NewUserAsync(t);
        var other = await api.NewTenantAsync();
        var contact = (await t.Admin.NewContactAsync(new { name = new { given = "Target" } })).GetProperty("id").GetGuid();
        var hidden = (await t.Admin.NewContactAsync(new { name = new { given = "Hidden" }, visibility = "owner" })).GetProperty("id").GetGuid();
        var foreign = (await other.Admin.NewContactAsync(new { name = new { given = "Foreign" } })).GetProperty("id").GetGuid();
        var list = (await ReadAsync(await t.Admin.PostAsJsonAsync("/api/lists", new { name = "L" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var adminEmail = (await ReadAsync(await t.Admin.GetAsync("/api/users/me"), HttpStatusCode.OK)).GetProperty("email").GetString()!;
        var before = await SnapshotAsync();

        var requests = HostileRequests.All(new HostileRequests.Targets(contact, hidden, foreign, list, user.UserId, other.AdminId, adminEmail)).ToList();
        Assert.True(requests.Count >= 1000, $"only {requests.Count} requests");
        var failures = new List<string>();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (r, _) =>
        {
            var client = r.As switch { HostileRequests.Who.Admin => t.Admin, HostileRequests.Who.User => user.Client, HostileRequests.Who.Operator => api.Operator, _ => api.Anonymous };
            using var res = await client.SendAsync(r.Build());
            var status = (int)res.StatusCode;
            var mediaType = res.Content.Headers.ContentType?.MediaType;
            if (status is < 400 or >= 500 || mediaType != "application/problem+json")
            {
                var text = await res.Content.ReadAsStringAsync();
                lock (failures) failures.Add($"{r.Description}: {status} {mediaType} {text[..Math.Min(200, text.Length)]}");
            }
        });
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.Equal(before, await SnapshotAsync());
    }

    private async Task<string> SnapshotAsync()
    {
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var cmd = db.CreateCommand("""
            SELECT (SELECT count(*) || ':' || coalesce(max(global_position), 0) FROM es.events) || ' ' ||
                   (SELECT string_agg(name || '=' || coalesce(rm.projection_checksum(name), '-'), ',' ORDER BY name) FROM rm.projections)
            """);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
