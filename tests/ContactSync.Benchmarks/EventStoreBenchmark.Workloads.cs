using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using ContactSync.EventStore;
using ContactSync.EventStore.Postgres;
using ContactSync.EventStore.Subscriptions;

namespace ContactSync.Benchmarks;

public static partial class EventStoreBenchmark
{
    private static readonly byte[] Metadata = Encoding.UTF8.GetBytes("""{"correlationId":"5f0c1d7e","causationId":"9a41"}""");

    private static EventData NewEvent(Random random) => new(Guid.CreateVersion7(), "ContactRenamed.v1",
        Encoding.UTF8.GetBytes($$"""{"contactId":"{{Guid.NewGuid()}}","givenName":"Ada","familyName":"Lovelace","seq":{{random.Next()}}}"""),
        Metadata);

    private static async Task<Measured> RunWritersAsync(TimeSpan duration, int batch,
        Func<int, EventData[], Task> append)
    {
        long calls = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w * 7919 + batch);
            while (clock.Elapsed < duration)
            {
                var events = new EventData[batch];
                for (var i = 0; i < batch; i++) events[i] = NewEvent(random);
                await append(random.Next(StreamCount), events);
                Interlocked.Increment(ref calls);
            }
        })));
        return new Measured(clock.Elapsed.TotalSeconds, calls, calls * batch);
    }

    private static async Task CreateStreamsAsync(Func<int, Task> appendOne)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < StreamCount; i = Interlocked.Increment(ref next)) await appendOne(i);
        })));
    }

    private static async Task<(long Count, double EventsPerSecond)> MeasureCatchUpAsync(PostgresEventStore store)
    {
        long count = 0;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        await foreach (var message in store.SubscribeToAll(FromAll.Start, ct: stop.Token))
        {
            if (message is SubscriptionMessage.Event) count++;
            else if (message is SubscriptionMessage.CaughtUp) break;
        }
        return (count, count / clock.Elapsed.TotalSeconds);
    }

    private static async Task<(long Count, double EventsPerSecond)> MeasureReadAllAsync(PostgresEventStore store)
    {
        long count = 0;
        var clock = Stopwatch.StartNew();
        var from = Position.Start;
        while (true)
        {
            var page = await store.ReadAllAsync(Direction.Forwards, from, 1000);
            count += page.Count;
            if (page.Count < 1000) break;
            from = page[^1].Position with { Prepare = page[^1].Position.Prepare + 1 };
        }
        return (count, count / clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Time from an append's return (its commit is acknowledged) to the event's delivery to an idle, caught-up
    /// subscriber. With <paramref name="writer"/> being another store instance, only the NOTIFY ticker (or the
    /// fallback poll) can wake the subscriber, as for a writer in another process.
    /// </summary>
    private static async Task<Latency> MeasureWakeUpLatencyAsync(PostgresEventStore reader, PostgresEventStore writer, int samples)
    {
        var waiting = new ConcurrentDictionary<Guid, TaskCompletionSource<long>>();
        using var stop = new CancellationTokenSource();
        var caughtUp = new TaskCompletionSource();
        var head = await reader.GetHeadPositionAsync();
        var pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var m in reader.SubscribeToAll(FromAll.AfterPosition(head), ct: stop.Token))
                {
                    if (m is SubscriptionMessage.CaughtUp) caughtUp.TrySetResult();
                    if (m is SubscriptionMessage.Event e && waiting.TryRemove(e.Record.EventId, out var tcs))
                        tcs.TrySetResult(Stopwatch.GetTimestamp());
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // End of measurement.
            }
        });
        await caughtUp.Task;
        var random = new Random(42);
        var latencies = new List<double>();
        var stream = StreamName.For("Latency", Guid.NewGuid().ToString("N"));
        for (var i = 0; i < samples; i++)
        {
            // Idle gap, so each sample finds the subscriber waiting.
            await Task.Delay(20 + random.Next(40));
            var e = NewEvent(random);
            var delivered = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting[e.EventId] = delivered;
            await writer.AppendToStreamAsync(stream, ExpectedRevision.Any, [e]);
            var committed = Stopwatch.GetTimestamp();
            var at = await delivered.Task.WaitAsync(TimeSpan.FromSeconds(10));
            latencies.Add(Math.Max(0, Stopwatch.GetElapsedTime(committed, at).TotalMilliseconds));
        }
        await stop.CancelAsync();
        await pump;
        latencies.Sort();
        return new Latency(Math.Round(Percentile(latencies, 0.50), 2), Math.Round(Percentile(latencies, 0.99), 2),
            Math.Round(latencies[^1], 2));
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
