namespace ContactSync.EventStore;

/// <summary>Where a stream read starts (inclusive): a revision, <see cref="Start"/> or <see cref="End"/>.</summary>
/// <param name="Value">The revision; <see cref="ulong.MaxValue"/> means the end of the stream.</param>
public readonly record struct StreamPosition(ulong Value)
{
    /// <summary>The first event of the stream.</summary>
    public static readonly StreamPosition Start = new(0);

    /// <summary>The last event of the stream (for backward reads).</summary>
    public static readonly StreamPosition End = new(ulong.MaxValue);

    /// <summary>Reads from the given revision.</summary>
    public static StreamPosition FromRevision(StreamRevision revision) => new(revision.Value);

    /// <summary>Converts a number to a stream position.</summary>
    public static implicit operator StreamPosition(ulong value) => new(value);
}
