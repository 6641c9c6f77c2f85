namespace ContactSync.EventStore.Subscriptions;

/// <summary>
/// One forward page of <c>$all</c> for a subscriber: the matching events and the position scanned up to (the last
/// event when the page is full, else the safe head), so a filtered subscriber still advances past skipped events.
/// </summary>
/// <param name="Events">Matching events in order.</param>
/// <param name="ScannedTo">Everything up to here is final and was considered.</param>
/// <param name="Head">The safe head of <c>$all</c> when the page was read.</param>
public sealed record AllPage(IReadOnlyList<RecordedEvent> Events, Position ScannedTo, Position Head)
{
    /// <summary>True when the page reached the safe head.</summary>
    public bool IsEnd => ScannedTo >= Head;
}
