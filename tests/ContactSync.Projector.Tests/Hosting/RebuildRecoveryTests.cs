using ContactSync.Projector.Ops;
using ContactSync.Projector.Tests.Support;
using ContactSync.Testing;
using Npgsql;

namespace ContactSync.Projector.Tests.Hosting;

/// <summary>
/// A rebuild request becomes a rebuild whenever a projector runs (also one that starts after the request, and as the
/// application role the AppHost's projector works as), or is recorded with its error; it never stays pending.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RebuildRecoveryTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_rebuild_requested_while_no_projector_runs_completes_once_one_starts_as_the_application_role()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture, applicationRole: true);
        var projector = await scope.StartProjectorAsync();
        var tenant = await scope.Writer.NewTenantAsync();
        for (var i = 0; i < 20; i++) await scope.Writer.NewContactAsync(tenant, Guid.CreateVersion7(), "G" + i, "F" + i);
        await scope.WaitForProjectionsAsync();
        var liveChecksum = await ProjectionRequests.ChecksumAsync(scope.DataSource, "contacts");
        await projector.DisposeAsync();

        Assert.True(await ProjectionRequests.RequestRebuildAsync(scope.DataSource, "contacts"));
        await scope.StartProjectorAsync();
        await WaitForVersionAsync(scope, 2);
        var row = Assert.Single(await scope.RowsAsync("SELECT checksum, rebuild_checksum, rebuilt_at IS NOT NULL FROM rm.projections WHERE name = 'contacts'"));
        Assert.Equal([liveChecksum, liveChecksum, true], row);

        // The next request is accepted and rebuilds again.
        Assert.True(await ProjectionRequests.RequestRebuildAsync(scope.DataSource, "contacts"));
        await WaitForVersionAsync(scope, 3);
        Assert.Equal(liveChecksum, await ProjectionRequests.ChecksumAsync(scope.DataSource, "contacts"));
    }

    private static Task WaitForVersionAsync(ProjectorScope scope, int version, string name = "contacts") =>
        Eventually.HoldsAsync(async () => await scope.ScalarAsync<int>(
                "SELECT active_version FROM rm.projections WHERE name = $1 AND state = 'live' AND rebuilt_at IS NOT NULL AND checksum IS NOT NULL",
                new NpgsqlParameter<string> { TypedValue = name }) == version,
            () => DescribeAsync(scope, name));

    private static async Task<string> DescribeAsync(ProjectorScope scope, string name) =>
        $"{name} to be rebuilt; rm.projections: " + string.Join(", ", (await scope.RowsAsync(
            "SELECT * FROM rm.projections WHERE name = $1", new NpgsqlParameter<string> { TypedValue = name })).Single().Select(v => v ?? "null"));
}
