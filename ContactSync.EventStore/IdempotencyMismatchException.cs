namespace ContactSync.EventStore;

/// <summary>
/// Some but not all event ids of an append already exist in the stream (or not in the same order and place): the
/// retry is neither new nor an exact repeat. Nothing was written.
/// </summary>
public sealed class IdempotencyMismatchException(StreamName stream)
    : Exception($"Append to '{stream}' repeats only part of an earlier append's event ids; nothing was written.")
{
    /// <summary>The stream written to.</summary>
    public StreamName Stream { get; } = stream;
}
