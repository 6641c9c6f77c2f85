namespace ContactSync.EventStore;

/// <summary>The stream does not exist or was soft-deleted.</summary>
public sealed class StreamNotFoundException(StreamName stream) : Exception($"Stream '{stream}' was not found.")
{
    /// <summary>The stream read.</summary>
    public StreamName Stream { get; } = stream;
}
