namespace ContactSync.EventStore;

/// <summary>The revision (0-based event number) of an event within its stream.</summary>
/// <param name="Value">The event number.</param>
public readonly record struct StreamRevision(ulong Value) : IComparable<StreamRevision>
{
    /// <inheritdoc/>
    public int CompareTo(StreamRevision other) => Value.CompareTo(other.Value);

    /// <summary>Converts a revision to its number.</summary>
    public static implicit operator ulong(StreamRevision revision) => revision.Value;

    /// <summary>Converts a number to a revision.</summary>
    public static implicit operator StreamRevision(ulong value) => new(value);

    /// <inheritdoc/>
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
