namespace ContactSync.EventStore;

/// <summary>The stream was tombstoned (hard-deleted); it can never be read or written again.</summary>
public sealed class StreamDeletedException(StreamName stream) : Exception($"Stream '{stream}' is deleted (tombstoned).")
{
    /// <summary>The stream concerned.</summary>
    public StreamName Stream { get; } = stream;
}
