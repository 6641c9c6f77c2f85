namespace ContactSync.EventStore;

/// <summary>The direction of a read.</summary>
public enum Direction
{
    /// <summary>Oldest first.</summary>
    Forwards,

    /// <summary>Newest first.</summary>
    Backwards,
}
