using ContactSync.EventStore.Subscriptions;

namespace ContactSync.EventStore;

/// <summary>
/// An event store with EventStoreDB's stream semantics: streams with optimistic concurrency, event-id idempotency,
/// a global ordered log (<c>$all</c>), soft delete and tombstones, retention metadata and catch-up subscriptions.
/// </summary>
public interface IEventStore
{
    /// <summary>
    /// Appends events to a stream atomically. Appending event ids that are already the stream's events at the same
    /// place is a no-op returning the original positions.
    /// </summary>
    /// <exception cref="WrongExpectedVersionException">The stream is not at <paramref name="expected"/>.</exception>
    /// <exception cref="StreamDeletedException">The stream is tombstoned.</exception>
    /// <exception cref="IdempotencyMismatchException">Only some of the event ids were appended before.</exception>
    Task<AppendResult> AppendToStreamAsync(StreamName stream, ExpectedRevision expected, IReadOnlyList<EventData> events,
        CancellationToken ct = default);

    /// <summary>Reads up to <paramref name="maxCount"/> events of a stream from a revision (inclusive).</summary>
    /// <exception cref="StreamNotFoundException">The stream does not exist or was soft-deleted.</exception>
    /// <exception cref="StreamDeletedException">The stream is tombstoned.</exception>
    Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(StreamName stream, Direction direction, StreamPosition from,
        long maxCount, CancellationToken ct = default);

    /// <summary>
    /// Reads up to <paramref name="maxCount"/> events of <c>$all</c>: forwards from <paramref name="from"/> inclusive,
    /// backwards from before <paramref name="from"/>. Only committed events below the safe horizon are returned,
    /// so a later read never finds an event before one already returned.
    /// </summary>
    Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(Direction direction, Position from, long maxCount,
        EventFilter? filter = null, CancellationToken ct = default);

    /// <summary>Soft delete: reads report the stream as not found; a later append re-opens it at the next revision.</summary>
    Task DeleteStreamAsync(StreamName stream, ExpectedRevision expected, CancellationToken ct = default);

    /// <summary>Hard delete: the stream can never be read or appended to again. Writes a <c>$streamDeleted</c> event to <c>$all</c>.</summary>
    Task TombstoneAsync(StreamName stream, ExpectedRevision expected, CancellationToken ct = default);

    /// <summary>Reads a stream's metadata (<see cref="StreamMetadata.None"/> when none was set).</summary>
    Task<StreamMetadata> GetStreamMetadataAsync(StreamName stream, CancellationToken ct = default);

    /// <summary>Replaces a stream's metadata; the stream need not exist yet.</summary>
    Task SetStreamMetadataAsync(StreamName stream, StreamMetadata metadata, CancellationToken ct = default);

    /// <summary>The position of the last event of <c>$all</c> that readers can see (below the safe horizon).</summary>
    Task<Position> GetHeadPositionAsync(CancellationToken ct = default);

    /// <summary>
    /// A catch-up subscription to <c>$all</c>: every committed event after <paramref name="start"/> exactly once and
    /// in <c>$all</c> order, then live events. Yields <see cref="SubscriptionMessage.CaughtUp"/> on reaching the
    /// head and <see cref="SubscriptionMessage.Checkpoint"/> when a filter skipped events (store it to resume).
    /// </summary>
    IAsyncEnumerable<SubscriptionMessage> SubscribeToAll(FromAll start, EventFilter? filter = null,
        CancellationToken ct = default);
}
