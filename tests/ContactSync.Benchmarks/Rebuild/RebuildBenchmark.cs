using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ContactSync.EventStore;
using ContactSync.EventStore.Postgres;
using ContactSync.EventStore.Projections;
using ContactSync.Projector;
using ContactSync.Projector.Contacts;
using ContactSync.Projector.Hosting;
using ContactSync.Projector.Projections;
using ContactSync.Projector.Schema;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ContactSync.Benchmarks.Rebuild;

/// <summary>
/// Full rebuild of the <c>contacts</c> projection from position zero: the same path as an operator's rebuild
/// (fresh versioned tables, a fenced runner under <c>contacts@v2</c>) timed until it reaches the head.
/// <c>-- rebuild [--events N] [--batch N]</c>; prints a table and a <c>BENCH_JSON</c> line.
/// </summary>
public static class RebuildBenchmark
{
    private const string EnvironmentVariable = "CONTACTSYNC_BENCH_PG";

    public static async Task<int> RunAsync(string[] args)
    {
        var events = Option(args, "--events") ?? 1_000_000;
        var batch = Option(args, "--batch") ?? new ProjectorOptions().BatchSize;
        var contacts = Math.Max(1, events / 10);
        var settings = new Dictionary<string, string>
        {
            ["shared_buffers"] = "512MB", ["max_wal_size"] = "8GB", ["checkpoint_timeout"] = "30min", ["synchronous_commit"] = "off",
        };
        await using var server = await BenchmarkServer.StartAsync(EnvironmentVariable, settings, args.Contains("--tcp"));
        var cs = await server.CreateDatabaseAsync("bench_rebuild");
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await PostgresEventStoreSchema.EnsureAsync(dataSource);
        await ReadModelSchema.EnsureAsync(dataSource, CancellationToken.None);
        Console.WriteLine($"PostgreSQL: {server.Description}; {events:N0} events over {contacts:N0} contacts in 4 tenants; batch {batch}");

        var write = Stopwatch.StartNew();
        var created = await RebuildEvents.WriteAsync(dataSource, events, contacts, tenants: 4);
        write.Stop();
        // Statistics as autovacuum would keep them: without them for es.streams the planner misjudges the stream
        // filter of the $all page and scans every remaining event per page.
        await using (var analyze = dataSource.CreateCommand("VACUUM ANALYZE es.events")) await analyze.ExecuteNonQueryAsync();
        await using (var analyze = dataSource.CreateCommand("VACUUM ANALYZE es.streams")) await analyze.ExecuteNonQueryAsync();
        Console.WriteLine($"wrote {events:N0} events in {write.Elapsed.TotalSeconds:F1} s");

        await using (var request = dataSource.CreateCommand("UPDATE rm.projections SET rebuild_requested_at = now() WHERE name = 'contacts'"))
            await request.ExecuteNonQueryAsync();
        var definition = ContactsProjection.Definition;
        var version = await RebuildSwap.BeginAsync(dataSource, definition, CancellationToken.None)
            ?? throw new InvalidOperationException("The rebuild did not start.");
        await using var store = new PostgresEventStore(dataSource);
        var tables = definition.TablesOf(version);
        var runner = new PostgresProjectionRunner(store, definition.CheckpointId(version),
            new FencedProjection(tables, definition.Create(tables, NullLoggerFactory.Instance)),
            new ProjectionRunnerOptions { BatchSize = batch });
        using var cts = new CancellationTokenSource();
        var head = await store.GetHeadPositionAsync();
        var timer = Stopwatch.StartNew();
        var run = Task.Run(() => runner.RunAsync(cts.Token));
        while (runner.Position < head)
        {
            if (runner.State == ProjectionState.Faulted) throw new InvalidOperationException("Rebuild faulted.", runner.LastError);
            await Task.Delay(20);
        }
        var caughtUp = timer.Elapsed;
        // A rebuild's tables get their reader-only indexes after catching up and before the swap: part of the rebuild.
        await RebuildSwap.CreateIndexesAsync(dataSource, definition, version, CancellationToken.None);
        timer.Stop();
        var indexSeconds = (timer.Elapsed - caughtUp).TotalSeconds;
        await cts.CancelAsync();
        await run;

        // Baseline, same run: reading the same events from $all in pages of the batch size with no projection work:
        // the floor any rebuild has to pay.
        var read = Stopwatch.StartNew();
        var readEvents = 0L;
        for (var from = Position.Start; ;)
        {
            var page = await store.ReadAllAsync(Direction.Forwards, from, batch);
            readEvents += page.Count;
            if (page.Count < batch) break;
            // Forward reads are inclusive: continue just after the last event.
            from = page[^1].Position with { Prepare = page[^1].Position.Prepare + 1 };
        }
        read.Stop();

        long rows;
        await using (var count = dataSource.CreateCommand($"SELECT count(*) FROM {tables["contacts"]}")) rows = (long)(await count.ExecuteScalarAsync())!;
        var seconds = timer.Elapsed.TotalSeconds;
        var rate = events / seconds;
        Console.WriteLine();
        Console.WriteLine("| measure                    | value        |");
        Console.WriteLine("|----------------------------|--------------|");
        Console.WriteLine($"| events                     | {events,12:N0} |");
        Console.WriteLine($"| contacts (rows)            | {rows,12:N0} |");
        Console.WriteLine($"| rebuild seconds            | {seconds,12:F1} |");
        Console.WriteLine($"| rebuild events/s           | {rate,12:N0} |");
        Console.WriteLine($"| of which index build s     | {indexSeconds,12:F1} |");
        Console.WriteLine($"| write seconds (bulk path)  | {write.Elapsed.TotalSeconds,12:F1} |");
        Console.WriteLine($"| baseline: $all read s      | {read.Elapsed.TotalSeconds,12:F1} |");
        Console.WriteLine($"| baseline events/s          | {readEvents / read.Elapsed.TotalSeconds,12:N0} |");
        Console.WriteLine($"| rebuild / baseline time    | {seconds / read.Elapsed.TotalSeconds,12:F1}x |");
        Console.WriteLine("BENCH_JSON " + JsonSerializer.Serialize(new
        {
            benchmark = "rebuild", projection = "contacts", events, contacts = rows, batch,
            rebuildSeconds = Math.Round(seconds, 2), eventsPerSecond = Math.Round(rate), writeSeconds = Math.Round(write.Elapsed.TotalSeconds, 2),
            baselineReadSeconds = Math.Round(read.Elapsed.TotalSeconds, 2), ratioToBaseline = Math.Round(seconds / read.Elapsed.TotalSeconds, 2),
            indexSeconds = Math.Round(indexSeconds, 2),
        }));
        return rows == created ? 0 : 1;
    }

    private static int? Option(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;
}
