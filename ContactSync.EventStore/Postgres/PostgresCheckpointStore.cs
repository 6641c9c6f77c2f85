using ContactSync.EventStore.Subscriptions;
using Npgsql;
using NpgsqlTypes;

namespace ContactSync.EventStore.Postgres;

/// <summary>Checkpoints in <c>es.checkpoints</c> (partition 0).</summary>
public sealed class PostgresCheckpointStore(NpgsqlDataSource dataSource) : ICheckpointStore
{
    /// <inheritdoc/>
    public async Task<Position?> LoadAsync(string subscriptionId, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT commit_position, prepare_position FROM es.checkpoints WHERE subscription_id = $1 AND partition = 0");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subscriptionId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new Position(r.GetFieldValue<ulong>(0), (ulong)r.GetInt64(1)) : null;
    }

    /// <inheritdoc/>
    public async Task StoreAsync(string subscriptionId, Position position, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO es.checkpoints (subscription_id, partition, commit_position, prepare_position)
            VALUES ($1, 0, $2, $3)
            ON CONFLICT (subscription_id, partition) DO UPDATE
               SET commit_position = excluded.commit_position, prepare_position = excluded.prepare_position, updated_at = now()
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subscriptionId });
        cmd.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = position.Commit, NpgsqlDbType = NpgsqlDbType.Xid8 });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)position.Prepare });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
