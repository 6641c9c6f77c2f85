using System.Net;
using ContactSync.Projector.Tests.Support;
using ContactSync.Testing;

namespace ContactSync.Projector.Tests.Hosting;

[Collection(PostgresCollection.Name)]
public sealed class ExactlyOnceTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Stopping_mid_stream_and_starting_again_projects_every_event_once()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        var w = scope.Writer;
        var tenant = await w.NewTenantAsync();
        var first = await scope.StartProjectorAsync(new Dictionary<string, string?> { ["ContactSync:Projector:BatchSize"] = "7" });
        for (var i = 0; i < 60; i++) await w.NewContactAsync(tenant, Guid.CreateVersion7(), "G" + i, "F" + i);
        await Eventually.HoldsAsync(async () => await scope.ScalarAsync<long>("SELECT coalesce(sum(events), 0)::bigint FROM rm.tenant_totals") > 0,
            "some events are projected");
        await first.StopAsync();
        for (var i = 60; i < 100; i++) await w.NewContactAsync(tenant, Guid.CreateVersion7(), "G" + i, "F" + i);

        await scope.StartProjectorAsync(new Dictionary<string, string?> { ["ContactSync:Projector:BatchSize"] = "7" });
        await scope.WaitForProjectionsAsync();

        Assert.Equal(100L, await scope.ScalarAsync<long>("SELECT count(*) FROM rm.contacts WHERE tenant_id = $1", tenant));
        Assert.Equal(101L, await scope.ScalarAsync<long>("SELECT count(*) FROM rm.audit WHERE tenant_id = $1", tenant));
        Assert.Equal([100, 101L], (await scope.RowsAsync("SELECT contacts, events FROM rm.tenant_totals WHERE tenant_id = $1", tenant))[0]);
    }

    [Fact]
    public async Task Two_instances_on_one_database_project_each_event_once_and_the_standby_takes_over()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        var w = scope.Writer;
        var tenant = await w.NewTenantAsync();
        var a = await scope.StartProjectorAsync();
        var b = await scope.StartProjectorAsync();
        for (var i = 0; i < 40; i++) await w.NewContactAsync(tenant, Guid.CreateVersion7(), "G" + i, "F" + i);
        await scope.WaitForProjectionsAsync();
        Assert.Equal([40, 41L], (await scope.RowsAsync("SELECT contacts, events FROM rm.tenant_totals WHERE tenant_id = $1", tenant))[0]);

        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(a.BaseAddress, "/health"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(b.BaseAddress, "/health"))).StatusCode);

        await a.StopAsync();
        for (var i = 40; i < 60; i++) await w.NewContactAsync(tenant, Guid.CreateVersion7(), "G" + i, "F" + i);
        await scope.WaitForProjectionsAsync();
        Assert.Equal([60, 61L], (await scope.RowsAsync("SELECT contacts, events FROM rm.tenant_totals WHERE tenant_id = $1", tenant))[0]);
        Assert.Equal(61L, await scope.ScalarAsync<long>("SELECT count(*) FROM rm.audit WHERE tenant_id = $1", tenant));
    }
}
