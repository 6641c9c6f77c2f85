using ContactSync.EventStore.InMemory;
using ContactSync.EventStore.Subscriptions;

namespace ContactSync.EventStore.Tests.Contract;

public sealed class InMemoryEventStoreTests : EventStoreContract
{
    protected override Task<(IEventStore Store, ICheckpointStore Checkpoints)> CreateAsync() =>
        Task.FromResult<(IEventStore, ICheckpointStore)>((new InMemoryEventStore(), new InMemoryCheckpointStore()));

    protected override ValueTask DestroyAsync() => ValueTask.CompletedTask;
}
