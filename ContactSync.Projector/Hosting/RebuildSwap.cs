using ContactSync.Projector.Projections;
using ContactSync.Projector.Schema;
using Npgsql;

namespace ContactSync.Projector.Hosting;

/// <param name="Checksum">Digest of the rebuilt (now active) version at the swap.</param>
/// <param name="PreviousChecksum">Digest of the replaced version at the same position, or null when they stood apart.</param>
internal sealed record SwapResult(string Checksum, string? PreviousChecksum);

/// <summary>The two transactions of the rebuild protocol: start (fresh tables) and swap (views, fence, checksums).</summary>
internal static class RebuildSwap
{
    /// <summary>Turns a request into a rebuild: returns the new version, or null when no request is pending.</summary>
    public static async Task<int?> BeginAsync(NpgsqlDataSource dataSource, ProjectionDefinition definition, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            UPDATE rm.projections SET state = 'rebuilding', rebuild_version = active_version + 1, rebuild_checksum = NULL
             WHERE name = $1 AND state = 'live' AND rebuild_requested_at IS NOT NULL
            RETURNING rebuild_version
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition.Name });
        if (await cmd.ExecuteScalarAsync(ct) is not int version) return null;
        // Leftovers of an abandoned attempt at the same version must not leak into the new tables.
        await ReadModelSchema.ExecuteAsync(conn, tx, ReadModelSchema.DropTablesSql(definition, version), ct);
        await ReadModelSchema.ExecuteAsync(conn, tx, ReadModelSchema.CreateTablesSql(definition, version), ct);
        await DeleteCheckpointAsync(conn, tx, definition.CheckpointId(version), ct);
        await tx.CommitAsync(ct);
        return version;
    }

    /// <summary>
    /// In one transaction: lock the projection's row (which waits for batches in flight and holds off new ones, see
    /// <see cref="FencedProjection"/>), compare the two versions' checkpoints, digest both, re-point the views,
    /// make the rebuilt version active and drop the replaced version's checkpoint. Null when it did not swap.
    /// </summary>
    public static async Task<SwapResult?> TrySwapAsync(NpgsqlDataSource dataSource, ProjectionDefinition definition,
        int activeVersion, int rebuildVersion, bool requireSamePosition, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockRow = new NpgsqlCommand(
            "SELECT active_version, rebuild_version FROM rm.projections WHERE name = $1 FOR UPDATE", conn, tx))
        {
            lockRow.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition.Name });
            await using var r = await lockRow.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct) || r.GetInt32(0) != activeVersion || r.IsDBNull(1) || r.GetInt32(1) != rebuildVersion)
                return null;
        }
        var samePosition = await SamePositionAsync(conn, tx, definition.CheckpointId(activeVersion), definition.CheckpointId(rebuildVersion), ct);
        if (!samePosition && requireSamePosition) return null;

        var checksum = await ChecksumAsync(conn, tx, definition.Name, rebuildVersion, ct);
        var previous = samePosition ? await ChecksumAsync(conn, tx, definition.Name, activeVersion, ct) : null;
        await ReadModelSchema.ExecuteAsync(conn, tx,
            string.Join(";\n", definition.Tables.Select(t => t.PointViewSql(rebuildVersion))), ct);
        await using (var update = new NpgsqlCommand("""
            UPDATE rm.projections
               SET active_version = $2, state = 'live', rebuild_version = NULL, rebuild_requested_at = NULL,
                   rebuilt_at = now(), checksum = $3, rebuild_checksum = $4
             WHERE name = $1
            """, conn, tx))
        {
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition.Name });
            update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = rebuildVersion });
            update.Parameters.Add(new NpgsqlParameter { Value = (object?)previous ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checksum });
            await update.ExecuteNonQueryAsync(ct);
        }
        await DeleteCheckpointAsync(conn, tx, definition.CheckpointId(activeVersion), ct);
        await tx.CommitAsync(ct);
        return new SwapResult(checksum, previous);
    }

    private static async Task<bool> SamePositionAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string a, string b, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT count(DISTINCT (commit_position::text, prepare_position)) = 1 AND count(*) = 2
              FROM es.checkpoints WHERE subscription_id IN ($1, $2) AND partition = 0
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = a });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = b });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<string> ChecksumAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string name, int version, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT rm.projection_checksum($1, $2)", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task DeleteCheckpointAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("DELETE FROM es.checkpoints WHERE subscription_id = $1", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
