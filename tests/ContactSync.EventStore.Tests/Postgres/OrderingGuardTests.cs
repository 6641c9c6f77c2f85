using ContactSync.Testing;
using Npgsql;
using static ContactSync.EventStore.Tests.TestEvents;

namespace ContactSync.EventStore.Tests.Postgres;

/// <summary>
/// A transaction's xid is taken before it waits for the stream lock, so two racing appends could give revision n a
/// larger xid than revision n+1; the guard refuses the older xid with SQLSTATE 40001 and the client retries.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrderingGuardTests(PostgresFixture postgres)
{
    [Fact]
    public async Task An_append_whose_transaction_is_older_than_the_streams_last_writer_is_refused_with_40001()
    {
        await using var db = await PostgresStoreScope.CreateAsync(postgres);
        var stream = NewStream();
        await using var older = await db.DataSource.OpenConnectionAsync();
        await using var olderTx = await older.BeginTransactionAsync();
        await using (var takeXid = new NpgsqlCommand("SELECT pg_current_xact_id()", older, olderTx))
            await takeXid.ExecuteScalarAsync();

        await db.Store.AppendToStreamAsync(stream, ExpectedRevision.Any, Events(1));

        await using var append = new NpgsqlCommand(
            "SELECT status FROM es.append_to_stream($1, -2, ARRAY[gen_random_uuid()], ARRAY['Older'], ARRAY['{}'::jsonb], ARRAY[NULL::jsonb])",
            older, olderTx);
        append.Parameters.AddWithValue(stream.Value);
        var e = await Assert.ThrowsAsync<PostgresException>(() => append.ExecuteScalarAsync());
        Assert.Equal(PostgresErrorCodes.SerializationFailure, e.SqlState);
    }

    [Fact]
    public async Task Racing_Any_appends_to_one_stream_keep_all_order_equal_to_stream_order()
    {
        await using var db = await PostgresStoreScope.CreateAsync(postgres);
        var stream = NewStream("Hot");
        const int writers = 8, appendsPerWriter = 40;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < appendsPerWriter; i++)
                await db.Store.AppendToStreamAsync(stream, ExpectedRevision.Any, Events(2));
        })));

        var all = await db.Store.ReadAllAsync(Direction.Forwards, Position.Start, 10_000);
        Assert.Equal(writers * appendsPerWriter * 2, all.Count);
        Assert.Equal(Enumerable.Range(0, all.Count).Select(i => (ulong)i), all.Select(e => e.Revision.Value));
        var stored = await db.Store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 10_000);
        Assert.Equal(all.Select(e => e.EventId), stored.Select(e => e.EventId));
    }
}
