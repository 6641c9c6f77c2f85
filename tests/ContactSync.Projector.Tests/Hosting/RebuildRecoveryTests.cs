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

    [Fact]
    public async Task A_request_that_cannot_become_a_rebuild_is_cleared_with_its_error_and_a_new_request_replaces_it()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        await scope.StartProjectorAsync();
        var tenant = await scope.Writer.NewTenantAsync();
        for (var i = 0; i < 5; i++) await scope.Writer.NewContactAsync(tenant, Guid.CreateVersion7(), "G" + i, "F" + i);
        await scope.WaitForProjectionsAsync();
        // Something in the way of the new version's tables: beginning the rebuild fails every time it is tried.
        await scope.ScalarAsync<int>("CREATE VIEW rm.contacts_v2 AS SELECT 1 AS x");

        Assert.True(await ProjectionRequests.RequestRebuildAsync(scope.DataSource, "contacts"));
        await Eventually.HoldsAsync(async () => await scope.ScalarAsync<string>(
                "SELECT rebuild_error FROM rm.projections WHERE name = 'contacts' AND rebuild_requested_at IS NULL AND rebuild_failed_at IS NOT NULL") is not null,
            () => DescribeAsync(scope, "contacts"));
        var row = Assert.Single(await scope.RowsAsync("SELECT state, active_version, rebuild_version, rebuild_error FROM rm.projections WHERE name = 'contacts'"));
        Assert.Equal(["live", 1, null], row[..3]);
        Assert.Contains("contacts_v2", (string)row[3]!);

        await scope.ScalarAsync<int>("DROP VIEW rm.contacts_v2");
        Assert.True(await ProjectionRequests.RequestRebuildAsync(scope.DataSource, "contacts"));
        Assert.Null(await scope.ScalarAsync<string>("SELECT rebuild_error FROM rm.projections WHERE name = 'contacts'"));
        await WaitForVersionAsync(scope, 2);
        Assert.Equal(5L, await scope.ScalarAsync<long>("SELECT count(*) FROM rm.contacts"));
    }

    [Fact]
    public async Task A_rebuild_whose_batches_fail_is_given_up_with_its_error_while_the_live_version_goes_on()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        var projector = await scope.StartProjectorAsync();
        var tenant = await scope.Writer.NewTenantAsync();
        for (var i = 0; i < 5; i++) await scope.Writer.NewContactAsync(tenant, Guid.CreateVersion7(), "G" + i, "F" + i);
        await scope.WaitForProjectionsAsync();
        await projector.DisposeAsync();

        // A rebuild begun whose tables refuse every row (as a projection bug would fail every replayed batch).
        var definition = ContactSync.Projector.Projections.ProjectionCatalog.Find("contacts")!;
        Assert.True(await ProjectionRequests.RequestRebuildAsync(scope.DataSource, "contacts"));
        Assert.Equal(2, await ContactSync.Projector.Hosting.RebuildSwap.BeginAsync(scope.DataSource, definition, CancellationToken.None));
        await scope.ScalarAsync<int>("ALTER TABLE rm.contacts_v2 ADD CONSTRAINT refuse_every_row CHECK (false) NOT VALID");

        await scope.StartProjectorAsync();
        await Eventually.HoldsAsync(async () => await scope.ScalarAsync<string>(
                "SELECT rebuild_error FROM rm.projections WHERE name = 'contacts' AND state = 'live' AND rebuild_version IS NULL AND rebuild_requested_at IS NULL") is not null,
            () => DescribeAsync(scope, "contacts"));
        Assert.Contains("refuse_every_row", await scope.ScalarAsync<string>("SELECT rebuild_error FROM rm.projections WHERE name = 'contacts'"));
        Assert.Equal(1, await scope.ScalarAsync<int>("SELECT active_version FROM rm.projections WHERE name = 'contacts'"));
        // Its tables and checkpoint are gone; the live version keeps projecting.
        Assert.Equal(0L, await scope.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'rm' AND tablename LIKE '%\\_v2'"));
        Assert.Equal(0L, await scope.ScalarAsync<long>("SELECT count(*) FROM es.checkpoints WHERE subscription_id = 'contacts@v2'"));
        await scope.Writer.NewContactAsync(tenant, Guid.CreateVersion7(), "Late", "Comer");
        await scope.WaitForProjectionsAsync("contacts");
        Assert.Equal(6L, await scope.ScalarAsync<long>("SELECT count(*) FROM rm.contacts"));

        Assert.True(await ProjectionRequests.RequestRebuildAsync(scope.DataSource, "contacts"));
        await WaitForVersionAsync(scope, 2);
        Assert.Equal(6L, await scope.ScalarAsync<long>("SELECT count(*) FROM rm.contacts"));
        Assert.Null(await scope.ScalarAsync<string>("SELECT rebuild_error FROM rm.projections WHERE name = 'contacts'"));
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
