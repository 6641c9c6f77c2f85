using ContactSync.EventStore.Postgres;
using ContactSync.EventStore.Subscriptions;
using ContactSync.EventStore.Telemetry;
using ContactSync.Testing;
using Npgsql;

namespace ContactSync.EventStore.Tests.Contract;

/// <summary>The contract against PostgreSQL, through the tracing decorator so that it is exercised too.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresEventStoreTests(PostgresFixture postgres) : EventStoreContract
{
    private NpgsqlDataSource? _dataSource;
    private PostgresEventStore? _store;

    protected override async Task<(IEventStore Store, ICheckpointStore Checkpoints)> CreateAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync("contract"));
        await PostgresEventStoreSchema.EnsureAsync(_dataSource);
        _store = new PostgresEventStore(_dataSource);
        return (new TracedEventStore(_store), new PostgresCheckpointStore(_dataSource));
    }

    protected override async ValueTask DestroyAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        if (_dataSource is not null) await _dataSource.DisposeAsync();
    }
}
