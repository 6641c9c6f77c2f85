namespace ContactSync.EventStore.Projections;

/// <summary>Tuning of a <see cref="PostgresProjectionRunner"/>.</summary>
public sealed record ProjectionRunnerOptions
{
    /// <summary>Events per transaction. Short batches keep the transaction (which holds the xid horizon) short.</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>How often a standby instance tries to take ownership.</summary>
    public TimeSpan StandbyRetry { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Delay before retrying after a failed batch.</summary>
    public TimeSpan FaultRetry { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait for a wake-up while live before polling anyway.</summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromMilliseconds(250);
}
