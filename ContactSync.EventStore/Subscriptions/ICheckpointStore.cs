namespace ContactSync.EventStore.Subscriptions;

/// <summary>Durable checkpoints of subscriptions, keyed by subscription id.</summary>
public interface ICheckpointStore
{
    /// <summary>The stored checkpoint, or null when the subscription has none yet.</summary>
    Task<Position?> LoadAsync(string subscriptionId, CancellationToken ct = default);

    /// <summary>Stores (overwrites) the checkpoint.</summary>
    Task StoreAsync(string subscriptionId, Position position, CancellationToken ct = default);
}
