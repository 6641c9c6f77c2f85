namespace ContactSync.EventStore.Subscriptions;

/// <summary>
/// A broadcast signal: every waiter is released by the next <see cref="Set"/>. Cheap enough to call after every
/// append; waiters re-read the store, so a spurious or missed-then-repeated wake-up is harmless.
/// </summary>
public sealed class WakeUpSignal
{
    private TaskCompletionSource _current = NewSource();

    /// <summary>Releases everyone waiting now.</summary>
    public void Set() => Interlocked.Exchange(ref _current, NewSource()).TrySetResult();

    /// <summary>A task that completes at the next <see cref="Set"/>. Take it before reading, then await it.</summary>
    public Task NextAsync() => Volatile.Read(ref _current).Task;

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
