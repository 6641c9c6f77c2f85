using ContactSync.EventStore.Postgres;
using ContactSync.Testing;
using Npgsql;

namespace ContactSync.EventStore.Tests.Postgres;

/// <summary>A fresh database with the schema and a store over it, for one test.</summary>
internal sealed class PostgresStoreScope : IAsyncDisposable
{
    private PostgresStoreScope(string connectionString, NpgsqlDataSource dataSource, PostgresEventStore store)
    {
        ConnectionString = connectionString;
        DataSource = dataSource;
        Store = store;
    }

    public string ConnectionString { get; }
    public NpgsqlDataSource DataSource { get; }
    public PostgresEventStore Store { get; }

    public static async Task<PostgresStoreScope> CreateAsync(PostgresFixture postgres)
    {
        var cs = await postgres.CreateDatabaseAsync("pg");
        var dataSource = NpgsqlDataSource.Create(cs);
        await PostgresEventStoreSchema.EnsureAsync(dataSource);
        return new PostgresStoreScope(cs, dataSource, new PostgresEventStore(dataSource));
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await DataSource.DisposeAsync();
    }
}
