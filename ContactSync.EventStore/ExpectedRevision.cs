using System.Globalization;

namespace ContactSync.EventStore;

/// <summary>
/// The optimistic-concurrency condition of a write: <see cref="Any"/>, <see cref="NoStream"/>,
/// <see cref="StreamExists"/> or an exact revision (the revision of the stream's last event).
/// </summary>
public readonly record struct ExpectedRevision
{
    private ExpectedRevision(long value) => Value = value;

    /// <summary>The wire value: -2 any, -1 no stream, -4 stream exists, otherwise the exact revision.</summary>
    public long Value { get; }

    /// <summary>No check.</summary>
    public static readonly ExpectedRevision Any = new(-2);

    /// <summary>The stream must not exist (or be soft-deleted).</summary>
    public static readonly ExpectedRevision NoStream = new(-1);

    /// <summary>The stream must exist and hold at least one event.</summary>
    public static readonly ExpectedRevision StreamExists = new(-4);

    /// <summary>The stream's last event must have exactly this revision.</summary>
    public static ExpectedRevision Exact(StreamRevision revision) =>
        revision.Value > long.MaxValue ? throw new ArgumentOutOfRangeException(nameof(revision)) : new((long)revision.Value);

    /// <summary>Builds the expected revision from the wire value used by <see cref="Value"/>.</summary>
    public static ExpectedRevision FromInt64(long value) => value switch
    {
        -2 or -1 or -4 or >= 0 => new(value),
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    /// <summary>An exact revision.</summary>
    public static implicit operator ExpectedRevision(StreamRevision revision) => Exact(revision);

    /// <inheritdoc/>
    public override string ToString() => Value switch
    {
        -2 => nameof(Any),
        -1 => nameof(NoStream),
        -4 => nameof(StreamExists),
        _ => Value.ToString(CultureInfo.InvariantCulture),
    };
}
