using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ContactSync.EventStore;
using ContactSync.EventStore.Postgres;
using Npgsql;

namespace ContactSync.Benchmarks;

/// <summary>
/// Event store throughput and latency on PostgreSQL, against a raw-SQL baseline writing the same rows with the same
/// concurrency and batch shape (one round trip per append, no checks). Prints a table and a <c>BENCH_JSON</c> line.
/// </summary>
public static partial class EventStoreBenchmark
{
    private const int Writers = 8;
    private const int Rounds = 4;
    private const int StreamCount = 10_000;
    private const string EnvironmentVariable = "CONTACTSYNC_BENCH_PG";

    // Same server settings for the store and the baseline: durable commits (fsync and synchronous_commit on), with
    // enough WAL and buffers that checkpoints do not land in the middle of a short run.
    private static readonly Dictionary<string, string> ServerSettings = new()
    {
        ["shared_buffers"] = "256MB",
        ["max_wal_size"] = "4GB",
        ["checkpoint_timeout"] = "30min",
        ["wal_buffers"] = "16MB",
        ["max_connections"] = "100",
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = OptionValue(args, "--seconds") is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : 8;
        var settings = new Dictionary<string, string>(ServerSettings);
        if (args.Contains("--async-commit")) settings["synchronous_commit"] = "off";
        var phase = TimeSpan.FromSeconds(seconds);
        var total = Stopwatch.StartNew();
        await using var server = await BenchmarkServer.StartAsync(EnvironmentVariable, settings, args.Contains("--tcp"));
        Console.WriteLine($"PostgreSQL: {server.Description}; {Writers} writers, {StreamCount} streams, {seconds} s per append phase");

        var storeCs = await server.CreateDatabaseAsync("bench_store");
        var rawCs = await server.CreateDatabaseAsync("bench_raw");
        await using var storeSource = NewDataSource(storeCs);
        await using var rawSource = NewDataSource(rawCs);
        await PostgresEventStoreSchema.EnsureAsync(storeSource);
        await RawBaseline.CreateAsync(rawSource);
        await using var store = new PostgresEventStore(storeSource);
        var raw = new RawBaseline(rawSource, StreamCount);
        var streams = Enumerable.Range(0, StreamCount).Select(i => StreamName.For("Bench", i.ToString("D6", CultureInfo.InvariantCulture))).ToArray();

        // Steady state: every stream exists (and has one event) in both databases before anything is measured.
        await CreateStreamsAsync(i => raw.AppendAsync(i, [NewEvent(Random.Shared)]));
        await CreateStreamsAsync(i => store.AppendToStreamAsync(streams[i], ExpectedRevision.Any, [NewEvent(Random.Shared)]));

        var results = new List<Result>();
        foreach (var batch in new[] { 1, 10 })
        {
            // Warm-up (plans, pools, stream rows), then baseline and store alternately.
            await RunWritersAsync(TimeSpan.FromSeconds(1), batch, (s, events) => raw.AppendAsync(s, events));
            await RunWritersAsync(TimeSpan.FromSeconds(1), batch, (s, events) => store.AppendToStreamAsync(streams[s], ExpectedRevision.Any, events));
            // Alternating rounds, so that load from elsewhere on the machine affects both sides alike.
            var baseline = new Throughput();
            var ours = new Throughput();
            for (var round = 0; round < Rounds; round++)
            {
                baseline.Add(await RunWritersAsync(phase / Rounds, batch, (s, events) => raw.AppendAsync(s, events)));
                ours.Add(await RunWritersAsync(phase / Rounds, batch,
                    (s, events) => store.AppendToStreamAsync(streams[s], ExpectedRevision.Any, events)));
            }
            results.Add(new($"raw INSERT baseline, {batch} event(s)/append", baseline.CallsPerSecond, baseline.EventsPerSecond, null, null));
            results.Add(new($"es.append_to_stream, {batch} event(s)/append", ours.CallsPerSecond, ours.EventsPerSecond,
                ours.EventsPerSecond / baseline.EventsPerSecond, null));
        }

        // One unmeasured pass so that both reads below find the same (warm) cache.
        await MeasureReadAllAsync(store);
        var (readCount, readRate) = await MeasureCatchUpAsync(store);
        results.Add(new($"$all catch-up subscription ({readCount} events)", null, readRate, null, null));
        var (pageCount, pageRate) = await MeasureReadAllAsync(store);
        results.Add(new($"$all ReadAllAsync, pages of 1000 ({pageCount} events)", null, pageRate, null, null));

        await using (var writerSource = NewDataSource(storeCs))
        await using (var writer = new PostgresEventStore(writerSource))
        {
            var crossProcess = await MeasureWakeUpLatencyAsync(store, writer, samples: 100);
            results.Add(new("idle wake-up, other process (NOTIFY ticker) ms", null, null, null, crossProcess));
        }
        var local = await MeasureWakeUpLatencyAsync(store, store, samples: 100);
        results.Add(new("idle wake-up, same process (in-process signal) ms", null, null, null, local));

        Print(results);
        Console.WriteLine($"ordering-guard retries: {store.OrderingRetries}; total run {total.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine("BENCH_JSON " + JsonSerializer.Serialize(new
        {
            benchmark = "eventstore",
            writers = Writers,
            streams = StreamCount,
            phaseSeconds = seconds,
            results = results.Select(r => new
            {
                name = r.Name,
                callsPerSecond = Round(r.CallsPerSecond),
                eventsPerSecond = Round(r.EventsPerSecond),
                ratioToBaseline = r.Ratio is { } x ? Math.Round(x, 3) : (double?)null,
                p50Ms = r.Latency?.P50, p99Ms = r.Latency?.P99, maxMs = r.Latency?.Max,
            }),
            orderingRetries = store.OrderingRetries,
        }));
        return 0;
    }

    private static string? OptionValue(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    private static NpgsqlDataSource NewDataSource(string cs) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(cs) { MaxPoolSize = 30, MaxAutoPrepare = 20 }.ConnectionString);

    private static double? Round(double? v) => v is { } x ? Math.Round(x) : null;

    private static void Print(List<Result> results)
    {
        Console.WriteLine();
        Console.WriteLine($"{"measurement",-56} {"calls/s",10} {"events/s",10} {"vs base",8} {"p50",7} {"p99",7} {"max",7}");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-56} {Fmt(r.CallsPerSecond, "F0"),10} {Fmt(r.EventsPerSecond, "F0"),10} {Fmt(r.Ratio * 100, "F0") + (r.Ratio is null ? "" : "%"),8} " +
                $"{Fmt(r.Latency?.P50, "F1"),7} {Fmt(r.Latency?.P99, "F1"),7} {Fmt(r.Latency?.Max, "F1"),7}"));
        }
        Console.WriteLine();
    }

    private static string Fmt(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "-";

    private sealed class Throughput
    {
        private double _seconds;
        private long _calls;
        private long _events;

        public double CallsPerSecond => _calls / _seconds;
        public double EventsPerSecond => _events / _seconds;

        public void Add(Measured m)
        {
            _seconds += m.Seconds;
            _calls += m.Calls;
            _events += m.Events;
        }
    }

    private sealed record Measured(double Seconds, long Calls, long Events);

    private sealed record Result(string Name, double? CallsPerSecond, double? EventsPerSecond, double? Ratio, Latency? Latency);

    private sealed record Latency(double P50, double P99, double Max);
}
