namespace ContactSync.EventStore.Subscriptions;

/// <summary>Where a <c>$all</c> subscription starts: the beginning, or after a checkpoint (exclusive).</summary>
public readonly record struct FromAll
{
    private FromAll(Position after) => After = after;

    /// <summary>Events strictly after this position are delivered.</summary>
    public Position After { get; }

    /// <summary>From the first event.</summary>
    public static readonly FromAll Start = new(Position.Start);

    /// <summary>From after the given checkpoint.</summary>
    public static FromAll AfterPosition(Position checkpoint) => new(checkpoint);
}
