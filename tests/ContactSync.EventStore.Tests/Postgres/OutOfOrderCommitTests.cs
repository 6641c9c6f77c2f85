using ContactSync.EventStore.Subscriptions;
using ContactSync.Testing;
using Npgsql;
using static ContactSync.EventStore.Tests.TestEvents;

namespace ContactSync.EventStore.Tests.Postgres;

/// <summary>
/// The hazard of sequence-numbered logs: numbers are taken at INSERT but become visible at COMMIT, so a reader
/// that checkpoints the highest number it saw skips a slower transaction's lower number for ever.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OutOfOrderCommitTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_transaction_committing_late_is_neither_skipped_by_readers_nor_by_subscribers()
    {
        await using var db = await PostgresStoreScope.CreateAsync(postgres);
        var early = NewStream("Early");
        var late = NewStream("Late");
        await using var probe = new SubscriptionProbe(ct => db.Store.SubscribeToAll(FromAll.Start, ct: ct));
        await probe.WaitForCaughtUpAsync();

        // Writer 1 takes the lower global position and keeps its transaction open.
        await using var slow = await db.DataSource.OpenConnectionAsync();
        await using var slowTx = await slow.BeginTransactionAsync();
        await using (var append = new NpgsqlCommand(
            "SELECT status FROM es.append_to_stream($1, -2, ARRAY[gen_random_uuid()], ARRAY['Slow'], ARRAY['{}'::jsonb], ARRAY[NULL::jsonb])",
            slow, slowTx))
        {
            append.Parameters.AddWithValue(late.Value);
            Assert.Equal(0, (int)(await append.ExecuteScalarAsync())!);
        }
        // Writer 2 takes a higher position and commits first.
        await db.Store.AppendToStreamAsync(early, ExpectedRevision.NoStream, [Event("Fast")]);

        var naive = await NaiveReadAsync(db, after: 0);
        Assert.Equal(["Fast"], naive.Select(r => r.Type));
        var naiveCheckpoint = naive[^1].GlobalPosition;
        Assert.Empty(await db.Store.ReadAllAsync(Direction.Forwards, Position.Start, 100));
        Assert.True(await probe.StaysQuietAsync(TimeSpan.FromMilliseconds(300)), "the subscriber must wait for the open transaction");

        await slowTx.CommitAsync();

        await probe.WaitForEventsAsync(2);
        Assert.Equal(["Slow", "Fast"], probe.Events.Select(e => e.Type));
        Assert.Equal(["Slow", "Fast"], (await db.Store.ReadAllAsync(Direction.Forwards, Position.Start, 100)).Select(e => e.Type));
        // The naive reader resumes after its checkpoint and never sees the late commit.
        Assert.Empty(await NaiveReadAsync(db, naiveCheckpoint));
        Assert.True(naive.All(r => r.Type != "Slow"));
    }

    [Fact]
    public async Task Concurrent_writers_on_many_streams_reach_a_subscriber_exactly_once_and_in_stream_order()
    {
        await using var db = await PostgresStoreScope.CreateAsync(postgres);
        const int writers = 8, appendsPerWriter = 60, streamCount = 40;
        var streams = Enumerable.Range(0, streamCount).Select(_ => NewStream("Race")).ToArray();
        await using var probe = new SubscriptionProbe(ct => db.Store.SubscribeToAll(FromAll.Start, ct: ct));
        await probe.WaitForCaughtUpAsync();

        var written = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var count = 0;
            for (var i = 0; i < appendsPerWriter; i++)
            {
                var batch = Events(1 + random.Next(3));
                await db.Store.AppendToStreamAsync(streams[random.Next(streamCount)], ExpectedRevision.Any, batch);
                count += batch.Length;
            }
            return count;
        })));
        var total = written.Sum();

        await probe.WaitForEventsAsync(total, TimeSpan.FromSeconds(60));
        var delivered = probe.Events.ToList();
        Assert.Equal(total, delivered.Count);
        Assert.Equal(total, delivered.Select(e => e.EventId).Distinct().Count());
        Assert.True(delivered.Zip(delivered.Skip(1)).All(p => p.First.Position < p.Second.Position));
        foreach (var stream in delivered.GroupBy(e => e.Stream))
            Assert.Equal(Enumerable.Range(0, stream.Count()).Select(i => (ulong)i), stream.Select(e => e.Revision.Value));
    }

    private static async Task<List<(long GlobalPosition, string Type)>> NaiveReadAsync(PostgresStoreScope db, long after)
    {
        await using var cmd = db.DataSource.CreateCommand(
            "SELECT global_position, event_type FROM es.events WHERE global_position > $1 ORDER BY global_position");
        cmd.Parameters.AddWithValue(after);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<(long, string)>();
        while (await r.ReadAsync()) rows.Add((r.GetInt64(0), r.GetString(1)));
        return rows;
    }
}
