namespace ContactSync.EventStore;

/// <summary>Retention settings and custom metadata of a stream, applied on read (nothing is physically removed).</summary>
/// <param name="MaxCount">Keep only the last N events visible.</param>
/// <param name="MaxAge">Hide events older than this.</param>
/// <param name="TruncateBefore">Hide events with a lower revision.</param>
/// <param name="CustomMetadata">Application JSON (UTF-8), or empty.</param>
public sealed record StreamMetadata(
    long? MaxCount = null,
    TimeSpan? MaxAge = null,
    StreamRevision? TruncateBefore = null,
    ReadOnlyMemory<byte> CustomMetadata = default)
{
    /// <summary>No retention rules and no custom metadata.</summary>
    public static readonly StreamMetadata None = new();
}
