using System.Runtime.CompilerServices;

namespace ContactSync.EventStore.Subscriptions;

/// <summary>
/// The catch-up loop shared by the stores: read a page after the last position; when the page reaches the head,
/// report caught-up and wait for a wake-up (signal or an adaptive fallback timer), then repeat.
/// </summary>
public static class CatchUpSubscription
{
    /// <summary>Page size of catch-up reads.</summary>
    public const int PageSize = 1000;

    private static readonly TimeSpan MinFallback = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxFallback = TimeSpan.FromMilliseconds(500);

    /// <summary>Runs the loop over a page reader.</summary>
    public static async IAsyncEnumerable<SubscriptionMessage> RunAsync(
        Func<Position, int, EventFilter?, CancellationToken, Task<AllPage>> readPage,
        WakeUpSignal signal, FromAll start, EventFilter? filter, [EnumeratorCancellation] CancellationToken ct)
    {
        var position = start.After;
        var live = false;
        var fallback = MinFallback;
        while (!ct.IsCancellationRequested)
        {
            // Taken before the read so that a signal raised during the read is not lost.
            var wakeUp = signal.NextAsync();
            var page = await readPage(position, PageSize, filter, ct);
            foreach (var e in page.Events)
            {
                position = e.Position;
                yield return new SubscriptionMessage.Event(e);
            }
            if (page.ScannedTo > position)
            {
                position = page.ScannedTo;
                yield return new SubscriptionMessage.Checkpoint(position);
            }
            if (!page.IsEnd)
            {
                live = false;
                continue;
            }
            if (!live)
            {
                live = true;
                yield return new SubscriptionMessage.CaughtUp(position);
            }
            fallback = page.Events.Count > 0 ? MinFallback : TimeSpan.FromTicks(Math.Min(fallback.Ticks * 2, MaxFallback.Ticks));
            try
            {
                await wakeUp.WaitAsync(fallback, ct);
            }
            catch (TimeoutException)
            {
                // The fallback poll: covers a lost notification or a writer in another process without a ticker.
            }
        }
    }
}
