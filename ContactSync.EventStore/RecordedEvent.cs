namespace ContactSync.EventStore;

/// <summary>An event as stored.</summary>
/// <param name="Stream">The stream it belongs to.</param>
/// <param name="Revision">Its number within the stream.</param>
/// <param name="Position">Its position in <c>$all</c>.</param>
/// <param name="EventId">The id given at append time.</param>
/// <param name="Type">The event type name.</param>
/// <param name="Data">UTF-8 JSON payload.</param>
/// <param name="Metadata">UTF-8 JSON metadata, or empty.</param>
/// <param name="Created">When it was committed (server clock).</param>
public sealed record RecordedEvent(
    StreamName Stream,
    StreamRevision Revision,
    Position Position,
    Guid EventId,
    string Type,
    ReadOnlyMemory<byte> Data,
    ReadOnlyMemory<byte> Metadata,
    DateTimeOffset Created);
