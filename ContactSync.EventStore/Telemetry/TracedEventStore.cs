using System.Diagnostics;
using ContactSync.EventStore.Subscriptions;

namespace ContactSync.EventStore.Telemetry;

/// <summary>Adds spans and metrics (<see cref="EventStoreTelemetry"/>) around any <see cref="IEventStore"/>, and the
/// appending trace's context to each event's metadata (<see cref="TraceMetadata"/>) while traces are recorded.</summary>
public sealed class TracedEventStore(IEventStore inner) : IEventStore
{
    /// <inheritdoc/>
    public async Task<AppendResult> AppendToStreamAsync(StreamName stream, ExpectedRevision expected,
        IReadOnlyList<EventData> events, CancellationToken ct = default)
    {
        using var activity = Start("eventstore.append", stream);
        activity?.SetTag("eventstore.expected_revision", expected.ToString());
        activity?.SetTag("eventstore.event_count", events.Count);
        // The append span's context goes into each event, so that the projector's handling continues this trace.
        if (activity is not null)
            events = [.. events.Select(e => e with { Metadata = TraceMetadata.With(e.Metadata, activity) })];
        try
        {
            var result = await inner.AppendToStreamAsync(stream, expected, events, ct);
            EventStoreTelemetry.Appends.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
            EventStoreTelemetry.EventsAppended.Add(events.Count);
            activity?.SetTag("eventstore.next_revision", result.NextExpectedRevision.Value);
            return result;
        }
        catch (Exception e)
        {
            EventStoreTelemetry.Appends.Add(1, new KeyValuePair<string, object?>("outcome", e.GetType().Name));
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(StreamName stream, Direction direction,
        StreamPosition from, long maxCount, CancellationToken ct = default)
    {
        using var activity = Start("eventstore.read_stream", stream);
        var events = await Traced(activity, inner.ReadStreamAsync(stream, direction, from, maxCount, ct));
        EventStoreTelemetry.EventsRead.Add(events.Count, new KeyValuePair<string, object?>("source", "stream"));
        return events;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(Direction direction, Position from, long maxCount,
        EventFilter? filter = null, CancellationToken ct = default)
    {
        using var activity = Start("eventstore.read_all", null);
        var events = await Traced(activity, inner.ReadAllAsync(direction, from, maxCount, filter, ct));
        EventStoreTelemetry.EventsRead.Add(events.Count, new KeyValuePair<string, object?>("source", "$all"));
        return events;
    }

    /// <inheritdoc/>
    public async Task DeleteStreamAsync(StreamName stream, ExpectedRevision expected, CancellationToken ct = default)
    {
        using var activity = Start("eventstore.delete_stream", stream);
        await Traced(activity, inner.DeleteStreamAsync(stream, expected, ct));
    }

    /// <inheritdoc/>
    public async Task TombstoneAsync(StreamName stream, ExpectedRevision expected, CancellationToken ct = default)
    {
        using var activity = Start("eventstore.tombstone", stream);
        await Traced(activity, inner.TombstoneAsync(stream, expected, ct));
    }

    /// <inheritdoc/>
    public Task<StreamMetadata> GetStreamMetadataAsync(StreamName stream, CancellationToken ct = default) =>
        inner.GetStreamMetadataAsync(stream, ct);

    /// <inheritdoc/>
    public async Task SetStreamMetadataAsync(StreamName stream, StreamMetadata metadata, CancellationToken ct = default)
    {
        using var activity = Start("eventstore.set_metadata", stream);
        await Traced(activity, inner.SetStreamMetadataAsync(stream, metadata, ct));
    }

    /// <inheritdoc/>
    public Task<Position> GetHeadPositionAsync(CancellationToken ct = default) => inner.GetHeadPositionAsync(ct);

    /// <inheritdoc/>
    public IAsyncEnumerable<SubscriptionMessage> SubscribeToAll(FromAll start, EventFilter? filter = null,
        CancellationToken ct = default) => inner.SubscribeToAll(start, filter, ct);

    private static Activity? Start(string name, StreamName? stream)
    {
        var activity = EventStoreTelemetry.ActivitySource.StartActivity(name, ActivityKind.Client);
        if (stream is { } s) activity?.SetTag("eventstore.stream", s.Value);
        return activity;
    }

    private static async Task<T> Traced<T>(Activity? activity, Task<T> operation)
    {
        try
        {
            return await operation;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    private static async Task Traced(Activity? activity, Task operation)
    {
        try
        {
            await operation;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }
}
