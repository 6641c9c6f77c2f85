using Npgsql;

namespace ContactSync.Api.Infrastructure;

/// <summary>
/// The connections the API reads the read models with: the store's database, but a pool of its own whose
/// connections are not reset when returned (<c>No Reset On Close</c>) and whose statements are prepared
/// automatically. A reset costs a round of statements on every reuse, a large share of a one-row read; it is safe to
/// skip here because read-model queries never change session state (no SET, LISTEN, advisory locks or temp tables).
/// The event store keeps its own, resetting pool for that reason.
/// </summary>
public sealed class ReadModelDb(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlCommand CreateCommand(string sql) => dataSource.CreateCommand(sql);

    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, ApplicationName = "contactsync-api-reads" };
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 32;
        return new NpgsqlDataSourceBuilder(builder.ConnectionString) { Name = "read-models" }.Build();
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
