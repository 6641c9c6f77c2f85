namespace ContactSync.Sandbox.Control;

/// <summary>
/// The propagation delay fault of one provider (<see cref="FaultSettings.PropagationDelayMs"/>), shared by
/// that provider's accounts: a write shows in listings and change feeds only this long after it was made.
/// </summary>
public sealed class PropagationDelay
{
    private long _ticks;

    public TimeSpan Value
    {
        get => TimeSpan.FromTicks(Volatile.Read(ref _ticks));
        set => Volatile.Write(ref _ticks, Math.Max(0, value.Ticks));
    }
}
