using System.Net;
using System.Text.Json;
using ContactSync.Api.Tests.Support;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Ops;

[Collection(ApiCollection.Name)]
public sealed class OpsAuditDashboardTests(ApiFixture api)
{
    [Fact]
    public async Task Ops_status_shows_every_projection_against_the_head()
    {
        var status = await ReadAsync(await api.Operator.GetAsync("/api/ops/status"), HttpStatusCode.OK);
        var names = status.GetProperty("projections").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "directory", "contacts" }, names);
        foreach (var p in status.GetProperty("projections").EnumerateArray())
            Assert.True(p.GetProperty("lag").GetInt64() >= 0);
        Assert.Equal(JsonValueKind.Array, status.GetProperty("connections").ValueKind);
        Assert.True(status.GetProperty("throughput").GetProperty("eventsLastMinute").GetInt64() >= 0);
        Assert.True(status.GetProperty("throttling").GetProperty("throttledRequests").GetInt64() >= 0);
        await ProblemAsync(await api.Operator.GetAsync("/api/ops/projections/nope"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Rebuilding_the_contacts_projection_through_the_api_gives_the_same_checksum_as_live()
    {
        var t = await api.NewTenantAsync();
        for (var i = 0; i < 3; i++) await t.Admin.NewContactAsync(new { name = new { given = $"Rebuild{i}" }, tags = new[] { "rb" } });
        var before = await ReadAsync(await api.Operator.GetAsync("/api/ops/projections/contacts"), HttpStatusCode.OK);
        Assert.Equal("live", before.GetProperty("state").GetString());
        var liveChecksum = before.GetProperty("checksum").GetString();
        Assert.False(string.IsNullOrEmpty(liveChecksum));
        var rebuiltBefore = before.GetProperty("rebuiltAt");

        Assert.Equal(HttpStatusCode.Accepted, (await api.Operator.PostAsync("/api/ops/projections/contacts/rebuild", null)).StatusCode);
        await ProblemAsync(await api.Operator.PostAsync("/api/ops/projections/contacts/rebuild", null), HttpStatusCode.Conflict);
        JsonElement after = default;
        await Eventually.TrueAsync(async () =>
        {
            after = await ReadAsync(await api.Operator.GetAsync("/api/ops/projections/contacts"), HttpStatusCode.OK);
            return after.GetProperty("state").GetString() == "live" && after.GetProperty("rebuiltAt").ValueKind == JsonValueKind.String &&
                   after.GetProperty("rebuiltAt").ToString() != rebuiltBefore.ToString();
        }, "the rebuild to finish", TimeSpan.FromSeconds(60));
        Assert.Equal(liveChecksum, after.GetProperty("checksum").GetString());
        Assert.Equal(1.0, after.GetProperty("progress").GetDouble());
        var list = await ReadAsync(await t.Admin.GetAsync("/api/contacts?tag=rb"), HttpStatusCode.OK);
        Assert.Equal(3, list.GetProperty("items").GetArrayLength());
        await ProblemAsync(await api.Operator.PostAsync("/api/ops/projections/unknown/rebuild", null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_audit_log_shows_the_tenants_changes_filtered_and_paged()
    {
        var t = await api.NewTenantAsync();
        var other = await api.NewTenantAsync();
        var id = (await t.Admin.NewContactAsync(new { name = new { given = "Audited" } })).GetProperty("id").GetGuid();
        var res = await t.Admin.PatchJsonAsync($"/api/contacts/{id}", new { notes = "audit me" });
        await ReadAsync(res, HttpStatusCode.OK);
        var position = res.Headers.GetValues("X-Log-Position").Single();
        var page = await ReadAsync(await t.Admin.GetAsync($"/api/audit?contactId={id}&minPosition={position}"), HttpStatusCode.OK);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["ContactCreated.v1", "ContactUpdated.v1"], items.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal(t.AdminId.ToString(), items[1].GetProperty("actor").GetProperty("id").GetString());
        var first = await ReadAsync(await t.Admin.GetAsync($"/api/audit?contactId={id}&limit=1"), HttpStatusCode.OK);
        var next = await ReadAsync(await t.Admin.GetAsync($"/api/audit?contactId={id}&limit=1&cursor={first.GetProperty("nextCursor").GetString()}"), HttpStatusCode.OK);
        Assert.Equal("ContactUpdated.v1", Assert.Single(next.GetProperty("items").EnumerateArray()).GetProperty("type").GetString());
        var foreign = await ReadAsync(await other.Admin.GetAsync($"/api/audit?contactId={id}&minPosition={position}"), HttpStatusCode.OK);
        Assert.Empty(foreign.GetProperty("items").EnumerateArray());
        await ValidationAsync(await t.Admin.GetAsync("/api/audit?from=never&contactId=x"), "from", "contactId");
    }

    [Fact]
    public async Task The_dashboard_counts_the_tenants_contacts_and_users()
    {
        var t = await api.NewTenantAsync();
        await api.NewUserAsync(t);
        await t.Admin.NewContactAsync(new { name = new { given = "Counted" } });
        var res = await t.Admin.PostAsync("/api/contacts", System.Net.Http.Json.JsonContent.Create(new { name = new { given = "Deleted" } }));
        var id = (await ReadAsync(res, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var del = await t.Admin.DeleteAsync($"/api/contacts/{id}");
        var position = del.Headers.GetValues("X-Log-Position").Single();
        var totals = await ReadAsync(await t.Admin.GetAsync($"/api/dashboard?minPosition={position}"), HttpStatusCode.OK);
        Assert.Equal(1, totals.GetProperty("contacts").GetInt32());
        Assert.Equal(1, totals.GetProperty("deletedContacts").GetInt32());
        Assert.Equal(2, totals.GetProperty("users").GetInt32());
    }
}
