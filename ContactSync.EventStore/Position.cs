using System.Globalization;

namespace ContactSync.EventStore;

/// <summary>
/// A position in the global log (<c>$all</c>), compared by <see cref="Commit"/> then <see cref="Prepare"/> like
/// EventStoreDB's. On PostgreSQL, Commit is the writing transaction's id (xid8) and Prepare the global sequence
/// number, so the order is commit order for everything below the safe horizon.
/// </summary>
/// <param name="Commit">The commit part.</param>
/// <param name="Prepare">The prepare part.</param>
public readonly record struct Position(ulong Commit, ulong Prepare) : IComparable<Position>
{
    /// <summary>Before the first event.</summary>
    public static readonly Position Start = new(0, 0);

    /// <summary>After the last event.</summary>
    public static readonly Position End = new(ulong.MaxValue, ulong.MaxValue);

    /// <inheritdoc/>
    public int CompareTo(Position other) =>
        Commit != other.Commit ? Commit.CompareTo(other.Commit) : Prepare.CompareTo(other.Prepare);

    /// <summary>Lexicographic comparison.</summary>
    public static bool operator <(Position a, Position b) => a.CompareTo(b) < 0;

    /// <summary>Lexicographic comparison.</summary>
    public static bool operator >(Position a, Position b) => a.CompareTo(b) > 0;

    /// <summary>Lexicographic comparison.</summary>
    public static bool operator <=(Position a, Position b) => a.CompareTo(b) <= 0;

    /// <summary>Lexicographic comparison.</summary>
    public static bool operator >=(Position a, Position b) => a.CompareTo(b) >= 0;

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"C:{Commit}/P:{Prepare}");
}
