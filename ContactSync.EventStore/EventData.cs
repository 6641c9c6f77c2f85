namespace ContactSync.EventStore;

/// <summary>An event to append.</summary>
/// <param name="EventId">Unique id; appending the same ids again is idempotent. Prefer <see cref="Guid.CreateVersion7()"/>.</param>
/// <param name="Type">The stable event type name, e.g. <c>ContactCreated.v1</c>.</param>
/// <param name="Data">UTF-8 JSON payload.</param>
/// <param name="Metadata">UTF-8 JSON metadata (correlation, causation, traceparent), or empty.</param>
public sealed record EventData(Guid EventId, string Type, ReadOnlyMemory<byte> Data, ReadOnlyMemory<byte> Metadata = default);
