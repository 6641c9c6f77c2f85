using System.Net;
using System.Text.Json;
using ContactSync.Api.Tests.Connections;
using ContactSync.Api.Tests.Support;
using ContactSync.Domain.Common;
using ContactSync.Domain.Sync;
using ContactSync.EventStore;
using static ContactSync.Api.Tests.Connections.ConnectionTestSupport;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Ops;

[Collection(ApiCollection.Name)]
public sealed class OpsConnectionsTests(ApiFixture api) : IAsyncLifetime
{
    private readonly ConnectionTestSupport support = new(api);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await support.DisposeAsync();

    private async Task<(TenantHandle Tenant, UserHandle User, Guid Connection, string Email, string GroupName)> ConnectionAsync()
    {
        var tenant = await api.NewTenantAsync();
        var user = await support.NewUserAsync(tenant);
        var (account, email) = await support.ConnectAccountAsync(user);
        var groupName = "Secret customers " + Guid.NewGuid().ToString("N")[..6];
        var list = await NewListAsync(user.Client, groupName);
        var id = (await CreatedAsync(user.Client, new { accountId = account, scope = "list", listId = list })).GetProperty("id").GetGuid();
        return (tenant, user, id, email, groupName);
    }

    [Fact]
    public async Task The_operator_syncs_pauses_and_resumes_any_tenants_connection_as_the_system_with_the_tenants_status_codes()
    {
        var (tenant, user, id, _, _) = await ConnectionAsync();
        var op = api.Operator;
        var refused = await ProblemAsync(await op.PostAsync($"/api/ops/connections/{id}/sync", null), HttpStatusCode.Conflict);
        Assert.Equal("connection.not-started", refused.GetProperty("code").GetString());
        await ReadAsync(await user.Client.PostAsync($"/api/connections/{id}/start", null), HttpStatusCode.Accepted);

        var synced = await ReadAsync(await op.PostAsync($"/api/ops/connections/{id}/sync", null), HttpStatusCode.Accepted);
        Assert.Equal(id, synced.GetProperty("id").GetGuid());
        Assert.Equal(tenant.TenantId, synced.GetProperty("tenantId").GetGuid());
        Assert.Equal("paused", (await ReadAsync(await op.PostAsync($"/api/ops/connections/{id}/pause", null), HttpStatusCode.OK)).GetProperty("state").GetString());
        refused = await ProblemAsync(await op.PostAsync($"/api/ops/connections/{id}/pause", null), HttpStatusCode.Conflict);
        Assert.Equal("connection.already-paused", refused.GetProperty("code").GetString());
        Assert.Equal("paused", (await ReadAsync(await user.Client.GetAsync($"/api/connections/{id}"), HttpStatusCode.OK)).GetProperty("state").GetString());
        Assert.Equal("starting", (await ReadAsync(await op.PostAsync($"/api/ops/connections/{id}/resume", null), HttpStatusCode.OK)).GetProperty("state").GetString());
        await ProblemAsync(await op.PostAsync($"/api/ops/connections/{Guid.NewGuid()}/sync", null), HttpStatusCode.NotFound);
        await ProblemAsync(await op.PostAsync($"/api/ops/connections/{Guid.NewGuid()}/pause", null), HttpStatusCode.NotFound);

        var events = await support.EventsAsync(StreamNames.Connection(id));
        Assert.Equal(["ConnectionSyncRequested.v1", "ConnectionPaused.v1", "ConnectionResumed.v1"], events.Skip(2).Select(e => e.Type));
        Assert.All(events.Skip(2), e => Assert.Equal("system", e.Data.GetProperty("actor").GetProperty("kind").GetString()));

        // The tenant's own people, admins included, cannot use the operator's steps.
        foreach (var client in new[] { tenant.Admin, user.Client })
            foreach (var step in new[] { "sync", "pause", "resume" })
                await ProblemAsync(await client.PostAsync($"/api/ops/connections/{id}/{step}", null), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_operator_asks_every_active_connection_to_sync_and_only_those()
    {
        var (_, user, started, _, _) = await ConnectionAsync();
        var (_, other, ready, _, _) = await ConnectionAsync();
        await ReadAsync(await user.Client.PostAsync($"/api/connections/{started}/start", null), HttpStatusCode.Accepted);
        await Eventually.TrueAsync(async () => (await ReadAsync(await user.Client.GetAsync($"/api/connections/{started}"), HttpStatusCode.OK))
            .GetProperty("state").GetString() != "ready", "the started connection in the read model");

        var answer = await ReadAsync(await api.Operator.PostAsync("/api/ops/connections/sync", null), HttpStatusCode.Accepted);
        Assert.True(answer.GetProperty("requested").GetInt32() >= 1);
        Assert.Contains("ConnectionSyncRequested.v1", (await support.EventsAsync(StreamNames.Connection(started))).Select(e => e.Type));
        Assert.DoesNotContain("ConnectionSyncRequested.v1", (await support.EventsAsync(StreamNames.Connection(ready))).Select(e => e.Type));
        await ProblemAsync(await user.Client.PostAsync("/api/ops/connections/sync", null), HttpStatusCode.Forbidden);
        await ProblemAsync(await other.Client.PostAsync("/api/ops/connections/sync", null), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Ops_status_shows_every_tenants_connections_with_counts_lag_and_throttling_but_no_contact_data()
    {
        var (tenant, user, id, email, groupName) = await ConnectionAsync();
        await ReadAsync(await user.Client.PostAsync($"/api/connections/{id}/start", null), HttpStatusCode.Accepted);
        var before = (await ReadAsync(await api.Operator.GetAsync("/api/ops/status"), HttpStatusCode.OK)).GetProperty("throttling");
        var run = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        var counts = RunCounts.Zero with { ProviderRequests = new Dictionary<string, int> { ["people.batchCreate"] = 30, ["throttled"] = 4 } };
        await support.AppendAsync(StreamNames.ConnectionSync(id), ExpectedRevision.NoStream,
            new SyncEvent.SyncRunStarted(tenant.TenantId, id, run, RunKind.FirstSync, now),
            new SyncEvent.SyncRunCompleted(tenant.TenantId, id, run, counts, [], now));

        JsonElement status = default, row = default;
        await Eventually.TrueAsync(async () =>
        {
            status = await ReadAsync(await api.Operator.GetAsync("/api/ops/status"), HttpStatusCode.OK);
            row = status.GetProperty("connections").EnumerateArray().FirstOrDefault(c => c.GetProperty("id").GetGuid() == id);
            return row.ValueKind == JsonValueKind.Object && row.GetProperty("lastSyncAt").ValueKind == JsonValueKind.String;
        }, "the connection's finished run in ops status");
        Assert.Equal(tenant.TenantId, row.GetProperty("tenantId").GetGuid());
        Assert.Equal("google", row.GetProperty("provider").GetString());
        Assert.Equal("idle", row.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("progress").ValueKind);
        Assert.InRange(row.GetProperty("lag").GetDouble(), 0, 60);
        Assert.Equal("""{"total":34,"throttled":4}""", row.GetProperty("requests").GetRawText());
        var throttling = status.GetProperty("throttling");
        Assert.True(throttling.GetProperty("providerRequests").GetInt64() >= before.GetProperty("providerRequests").GetInt64() + 34);
        Assert.True(throttling.GetProperty("throttledRequests").GetInt64() >= before.GetProperty("throttledRequests").GetInt64() + 4);
        Assert.True(status.GetProperty("throughput").GetProperty("eventsLastSecond").GetInt64() >= 0);
        var text = status.GetRawText();
        Assert.DoesNotContain(email, text);
        Assert.DoesNotContain(groupName, text);

        // Operations are the operator's: the tenant's admin sees their own connections elsewhere, never the system.
        await ProblemAsync(await tenant.Admin.GetAsync("/api/ops/status"), HttpStatusCode.Forbidden);
    }
}
