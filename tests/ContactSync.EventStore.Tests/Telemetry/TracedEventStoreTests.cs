using System.Diagnostics;
using System.Diagnostics.Metrics;
using ContactSync.EventStore.InMemory;
using ContactSync.EventStore.Telemetry;
using static ContactSync.EventStore.Tests.TestEvents;

namespace ContactSync.EventStore.Tests.Telemetry;

public sealed class TracedEventStoreTests
{
    [Fact]
    public async Task Appends_and_reads_emit_spans_and_count_events()
    {
        var stream = NewStream("Traced");
        var spans = new List<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == EventStoreTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) spans.Add(a); },
        };
        ActivitySource.AddActivityListener(activities);
        long appended = 0, read = 0;
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EventStoreTelemetry.Name) listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            // The PostgreSQL contract tests run through the decorator at the same time, so these are lower bounds.
            if (instrument.Name == "eventstore.events.appended") Interlocked.Add(ref appended, value);
            if (instrument.Name == "eventstore.events.read") Interlocked.Add(ref read, value);
        });
        meters.Start();
        var store = new TracedEventStore(new InMemoryEventStore());

        await store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(3));
        await store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 10);
        await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(1)));

        List<Activity> mine;
        lock (spans) mine = spans.Where(a => Equals(a.GetTagItem("eventstore.stream"), stream.Value)).ToList();
        Assert.Equal(["eventstore.append", "eventstore.read_stream", "eventstore.append"], mine.Select(a => a.OperationName));
        Assert.Equal(ActivityStatusCode.Error, mine[2].Status);
        Assert.True(Interlocked.Read(ref appended) >= 3);
        Assert.True(Interlocked.Read(ref read) >= 3);
    }
}
