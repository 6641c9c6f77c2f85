namespace ContactSync.EventStore.Projections;

/// <summary>The state of a projection runner, for health checks.</summary>
public enum ProjectionState
{
    /// <summary>Not running.</summary>
    Stopped,

    /// <summary>Waiting for ownership: another instance runs this projection.</summary>
    Standby,

    /// <summary>Owner, behind the head of <c>$all</c>.</summary>
    CatchingUp,

    /// <summary>Owner, at the head, waiting for new events.</summary>
    Live,

    /// <summary>The last batch failed; the runner retries after a delay.</summary>
    Faulted,
}
