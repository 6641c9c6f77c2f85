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
