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

    /// <summary>One row of a tenant's entity: <paramref name="select"/> must filter on <c>tenant_id = $1</c>; the
    /// id is compared as <c>$2</c>.</summary>
    public async Task<T?> GetAsync<T>(string select, string idColumn, Guid tenantId, Guid id,
        Func<NpgsqlDataReader, T> read, CancellationToken ct) where T : class
    {
        await using var cmd = CreateCommand($"{select} AND {idColumn} = $2");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? read(r) : null;
    }

    /// <summary>A keyset page of a tenant's entities in id order (ids are time-ordered UUIDv7), one row more than
    /// <paramref name="limit"/> so that the caller can tell whether a next page exists.</summary>
    public async Task<List<T>> PageAsync<T>(string select, string idColumn, Guid tenantId, Guid? after, int limit,
        Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var cmd = CreateCommand($"{select} AND ($2::uuid IS NULL OR {idColumn} > $2) ORDER BY {idColumn} LIMIT $3");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid, Value = (object?)after ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var items = new List<T>();
        while (await r.ReadAsync(ct)) items.Add(read(r));
        return items;
    }

    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, ApplicationName = "contactsync-api-reads" };
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 32;
        return new NpgsqlDataSourceBuilder(builder.ConnectionString) { Name = "read-models" }.Build();
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
