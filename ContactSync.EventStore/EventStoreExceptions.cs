namespace ContactSync.EventStore;

/// <summary>The stream's current revision differs from the expected one; nothing was written.</summary>
public sealed class WrongExpectedVersionException(StreamName stream, ExpectedRevision expected, StreamRevision? actual)
    : Exception($"Append to '{stream}' expected {expected} but the stream is at {(actual is { } a ? a.ToString() : "no stream")}.")
{
    /// <summary>The stream written to.</summary>
    public StreamName Stream { get; } = stream;

    /// <summary>The condition given by the caller.</summary>
    public ExpectedRevision Expected { get; } = expected;

    /// <summary>The revision of the stream's last event, or null when the stream has no events.</summary>
    public StreamRevision? Actual { get; } = actual;
}

/// <summary>The stream does not exist or was soft-deleted.</summary>
public sealed class StreamNotFoundException(StreamName stream) : Exception($"Stream '{stream}' was not found.")
{
    /// <summary>The stream read.</summary>
    public StreamName Stream { get; } = stream;
}

/// <summary>The stream was tombstoned (hard-deleted); it can never be read or written again.</summary>
public sealed class StreamDeletedException(StreamName stream) : Exception($"Stream '{stream}' is deleted (tombstoned).")
{
    /// <summary>The stream concerned.</summary>
    public StreamName Stream { get; } = stream;
}

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
