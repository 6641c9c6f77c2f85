using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Projector.Ops;
using ContactSync.Projector.Tests.Support;
using ContactSync.Testing;

namespace ContactSync.Projector.Tests.Hosting;

[Collection(PostgresCollection.Name)]
public sealed class RebuildTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_rebuild_swaps_in_new_tables_with_the_live_checksum_and_stays_live()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        await scope.StartProjectorAsync();
        var w = scope.Writer;
        var tenant = await w.NewTenantAsync();
        var owner = Guid.CreateVersion7();
        for (var i = 0; i < 30; i++)
        {
            var id = await w.NewContactAsync(tenant, owner, "Given" + i, "Family" + i, i % 2 == 0 ? "Initech" : null, i % 3 == 0 ? ["vip"] : []);
            if (i % 5 == 0) await w.Contact(id, new ContactCommand.UpdateContact(id, new ContactPatch { JobTitle = "Title" + i }, DomainWriter.Admin, w.Tick()));
        }
        var list = Guid.CreateVersion7();
        await w.List(list, new ListCommand.CreateList(tenant, list, "VIP", new ListFilter(Tags: ["vip"]), owner, DomainWriter.Admin, w.Tick()));
        await scope.WaitForProjectionsAsync();
        var liveChecksum = await ProjectionRequests.ChecksumAsync(scope.DataSource, "contacts");

        Assert.True(await ProjectionRequests.RequestRebuildAsync(scope.DataSource, "contacts"));
        await Eventually.HoldsAsync(async () => await scope.ScalarAsync<int>(
            "SELECT active_version FROM rm.projections WHERE name = 'contacts' AND state = 'live'") == 2, "contacts v2 is live");

        var row = Assert.Single(await scope.RowsAsync(
            "SELECT checksum, rebuild_checksum, rebuilt_at IS NOT NULL, rebuild_version FROM rm.projections WHERE name = 'contacts'"));
        Assert.Equal([liveChecksum, liveChecksum, true, null], row);
        Assert.Equal(liveChecksum, await ProjectionRequests.ChecksumAsync(scope.DataSource, "contacts"));
        // Rebuilt unlogged for speed, swapped in only once crash-safe.
        Assert.Equal(0L, await scope.ScalarAsync<long>(
            "SELECT count(*) FROM pg_class WHERE relname IN ('contacts_v2', 'lists_v2', 'list_members_v2') AND relpersistence <> 'p'"));
        // The replaced version's tables are dropped when its runner retires, just after the swap.
        await Eventually.HoldsAsync(async () => await scope.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'rm' AND tablename LIKE '%\\_v1' AND tablename IN ('contacts_v1', 'lists_v1', 'list_members_v1')") == 0,
            "the v1 tables to be dropped");
        Assert.Equal(0L, await scope.ScalarAsync<long>("SELECT count(*) FROM es.checkpoints WHERE subscription_id = 'contacts@v1'"));
        Assert.Equal(10L, await scope.ScalarAsync<long>("SELECT count(*) FROM rm.list_members WHERE list_id = $1", list));

        // The rebuilt version keeps projecting live events, exactly like a never-rebuilt projection would.
        var late = await w.NewContactAsync(tenant, owner, "Late", "Comer", tags: ["vip"]);
        await scope.WaitForProjectionsAsync();
        Assert.Equal(1L, await scope.ScalarAsync<long>("SELECT count(*) FROM rm.list_members WHERE contact_id = $1", late));
        var afterMore = await ProjectionRequests.ChecksumAsync(scope.DataSource, "contacts");
        Assert.NotEqual(liveChecksum, afterMore);
        Assert.True(await ProjectionRequests.RequestRebuildAsync(scope.DataSource, "contacts"));
        await Eventually.HoldsAsync(async () => await scope.ScalarAsync<int>(
            "SELECT active_version FROM rm.projections WHERE name = 'contacts' AND state = 'live'") == 3, "contacts v3 is live");
        Assert.Equal(afterMore, await ProjectionRequests.ChecksumAsync(scope.DataSource, "contacts"));
    }

    [Fact]
    public async Task Every_projection_rebuilds_to_the_same_checksum()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        await scope.StartProjectorAsync();
        var w = scope.Writer;
        var tenant = await w.NewTenantAsync();
        for (var i = 0; i < 10; i++) await w.NewContactAsync(tenant, Guid.CreateVersion7(), "G" + i, "F" + i);
        await scope.WaitForProjectionsAsync();
        foreach (var name in new[] { "directory", "dashboard", "audit" })
        {
            var before = await ProjectionRequests.ChecksumAsync(scope.DataSource, name);
            Assert.True(await ProjectionRequests.RequestRebuildAsync(scope.DataSource, name));
            Assert.False(await ProjectionRequests.RequestRebuildAsync(scope.DataSource, name));
            await Eventually.HoldsAsync(async () => await scope.ScalarAsync<int>(
                "SELECT active_version FROM rm.projections WHERE name = $1 AND state = 'live'",
                new Npgsql.NpgsqlParameter<string> { TypedValue = name }) == 2, name + " v2 is live");
            Assert.Equal(before, await ProjectionRequests.ChecksumAsync(scope.DataSource, name));
        }
    }

    [Fact]
    public async Task A_rebuild_whose_unlogged_tables_were_emptied_by_a_crash_replays_from_zero()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        var projector = await scope.StartProjectorAsync();
        var w = scope.Writer;
        var tenant = await w.NewTenantAsync();
        for (var i = 0; i < 20; i++) await w.NewContactAsync(tenant, Guid.CreateVersion7(), "G" + i, "F" + i);
        await scope.WaitForProjectionsAsync();
        var liveChecksum = await ProjectionRequests.ChecksumAsync(scope.DataSource, "contacts");
        await projector.DisposeAsync();

        // As a crash would leave it: a rebuild begun, its checkpoint at the head, its unlogged tables emptied.
        var definition = ContactSync.Projector.Projections.ProjectionCatalog.Find("contacts")!;
        Assert.True(await ProjectionRequests.RequestRebuildAsync(scope.DataSource, "contacts"));
        Assert.Equal(2, await ContactSync.Projector.Hosting.RebuildSwap.BeginAsync(scope.DataSource, definition, CancellationToken.None));
        var head = await scope.Store.GetHeadPositionAsync();
        await scope.ScalarAsync<int>(
            "INSERT INTO es.checkpoints (subscription_id, commit_position, prepare_position) VALUES ('contacts@v2', $1::text::xid8, $2) RETURNING 1",
            new Npgsql.NpgsqlParameter<string> { TypedValue = head.Commit.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            new Npgsql.NpgsqlParameter<long> { TypedValue = (long)head.Prepare });

        await scope.StartProjectorAsync();
        await Eventually.HoldsAsync(async () => await scope.ScalarAsync<int>(
            "SELECT active_version FROM rm.projections WHERE name = 'contacts' AND state = 'live'") == 2, "contacts v2 is live");
        Assert.Equal(liveChecksum, await ProjectionRequests.ChecksumAsync(scope.DataSource, "contacts"));
        Assert.Equal(20L, await scope.ScalarAsync<long>("SELECT count(*) FROM rm.contacts"));
    }
}
