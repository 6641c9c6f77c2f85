using System.Collections.Concurrent;
using ContactSync.EventStore.Subscriptions;

namespace ContactSync.EventStore.InMemory;

/// <summary>Checkpoints in a dictionary, for unit tests.</summary>
public sealed class InMemoryCheckpointStore : ICheckpointStore
{
    private readonly ConcurrentDictionary<string, Position> _checkpoints = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Task<Position?> LoadAsync(string subscriptionId, CancellationToken ct = default) =>
        Task.FromResult(_checkpoints.TryGetValue(subscriptionId, out var p) ? p : (Position?)null);

    /// <inheritdoc/>
    public Task StoreAsync(string subscriptionId, Position position, CancellationToken ct = default)
    {
        _checkpoints[subscriptionId] = position;
        return Task.CompletedTask;
    }
}
