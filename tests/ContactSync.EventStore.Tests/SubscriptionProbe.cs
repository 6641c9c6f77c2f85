using System.Threading.Channels;
using ContactSync.EventStore.Subscriptions;

namespace ContactSync.EventStore.Tests;

/// <summary>Pumps a subscription into a channel so a test can wait for messages with a timeout.</summary>
internal sealed class SubscriptionProbe : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    private readonly Channel<SubscriptionMessage> _messages = Channel.CreateUnbounded<SubscriptionMessage>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public SubscriptionProbe(Func<CancellationToken, IAsyncEnumerable<SubscriptionMessage>> subscribe)
    {
        _pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var m in subscribe(_stop.Token)) await _messages.Writer.WriteAsync(m);
                _messages.Writer.Complete();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                _messages.Writer.Complete();
            }
            catch (Exception e)
            {
                _messages.Writer.Complete(e);
            }
        });
    }

    public List<SubscriptionMessage> Received { get; } = [];

    public IEnumerable<RecordedEvent> Events => Received.OfType<SubscriptionMessage.Event>().Select(e => e.Record);

    /// <summary>Reads messages until the condition holds over everything received so far.</summary>
    public async Task WaitUntilAsync(Func<SubscriptionProbe, bool> condition, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (!condition(this))
        {
            try
            {
                Received.Add(await _messages.Reader.ReadAsync(cts.Token));
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting for {what}; received {Received.Count} messages: " +
                    string.Join(", ", Received.TakeLast(5)));
            }
        }
    }

    public Task WaitForEventsAsync(int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(p => p.Events.Count() >= count, $"{count} events", timeout);

    public Task WaitForCaughtUpAsync() =>
        WaitUntilAsync(p => p.Received.OfType<SubscriptionMessage.CaughtUp>().Any(), "caught-up");

    /// <summary>True when no further message arrives within the window (used only to assert absence).</summary>
    public async Task<bool> StaysQuietAsync(TimeSpan window)
    {
        using var cts = new CancellationTokenSource(window);
        try
        {
            Received.Add(await _messages.Reader.ReadAsync(cts.Token));
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        _stop.Dispose();
    }
}
