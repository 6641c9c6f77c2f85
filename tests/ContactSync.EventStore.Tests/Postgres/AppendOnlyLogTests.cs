using ContactSync.EventStore.Postgres;
using ContactSync.Testing;
using Npgsql;
using static ContactSync.EventStore.Tests.TestEvents;

namespace ContactSync.EventStore.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class AppendOnlyLogTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_application_role_can_append_and_read_but_never_rewrite_the_log()
    {
        var admin = await postgres.CreateDatabaseAsync("acl");
        var appRole = "es_app_" + Guid.NewGuid().ToString("N")[..8];
        await PostgresEventStoreSchema.EnsureAsync(admin, appRole);
        await PostgresEventStoreSchema.EnsureAsync(admin, appRole);
        var asApp = new NpgsqlConnectionStringBuilder(admin) { Username = appRole }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(asApp);
        await using var store = new PostgresEventStore(dataSource);
        var stream = NewStream();

        await store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(2));
        await store.SetStreamMetadataAsync(stream, new StreamMetadata(MaxCount: 10));
        await store.DeleteStreamAsync(stream, ExpectedRevision.Exact(1));
        await store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(1));
        await new PostgresCheckpointStore(dataSource).StoreAsync("acl", new Position(1, 1));
        Assert.Single(await store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 10));

        foreach (var sql in new[]
        {
            "UPDATE es.events SET event_type = 'Forged'",
            "DELETE FROM es.events",
            "TRUNCATE es.events",
            "INSERT INTO es.events (transaction_id, stream_id, stream_revision, event_id, event_type, data) VALUES ('1', 1, 99, gen_random_uuid(), 'Forged', '{}')",
            "UPDATE es.streams SET revision = 0",
        })
        {
            await using var cmd = dataSource.CreateCommand(sql);
            var e = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
            Assert.Contains("permission denied", e.MessageText);
        }
    }

    [Fact]
    public async Task Even_the_schema_owner_cannot_update_or_delete_events_while_the_trigger_is_on()
    {
        await using var db = await PostgresStoreScope.CreateAsync(postgres);
        await db.Store.AppendToStreamAsync(NewStream(), ExpectedRevision.NoStream, Events(1));

        foreach (var sql in new[] { "UPDATE es.events SET event_type = 'Forged'", "DELETE FROM es.events", "TRUNCATE es.events" })
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync(sql));
            Assert.Contains("append-only", e.MessageText);
        }
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM es.events WHERE event_type = 'Tested'"));
    }
}
