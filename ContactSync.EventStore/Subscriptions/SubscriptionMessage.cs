namespace ContactSync.EventStore.Subscriptions;

/// <summary>A message of a catch-up subscription.</summary>
public abstract record SubscriptionMessage
{
    private SubscriptionMessage() { }

    /// <summary>An event.</summary>
    /// <param name="Record">The event.</param>
    public sealed record Event(RecordedEvent Record) : SubscriptionMessage;

    /// <summary>The subscription reached the head of <c>$all</c> and is now live.</summary>
    /// <param name="Position">The position checked up to.</param>
    public sealed record CaughtUp(Position Position) : SubscriptionMessage;

    /// <summary>Everything up to this position was scanned (filtered events skipped); safe to store as checkpoint.</summary>
    /// <param name="Position">The position scanned up to.</param>
    public sealed record Checkpoint(Position Position) : SubscriptionMessage;
}
