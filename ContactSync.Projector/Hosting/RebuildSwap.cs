using ContactSync.Projector.Projections;
using ContactSync.Projector.Schema;
using Npgsql;

namespace ContactSync.Projector.Hosting;

/// <param name="Checksum">Digest of the rebuilt (now active) version at the swap.</param>
/// <param name="PreviousChecksum">Digest of the replaced version at the same position, or null when they stood apart.</param>
internal sealed record SwapResult(string Checksum, string? PreviousChecksum);

/// <summary>The two transactions of the rebuild protocol: start (fresh tables) and swap (views, fence, checksums).</summary>
/// <remarks>
/// A rebuild writes about one row per replayed event, so its fresh tables are UNLOGGED while it replays: no WAL for
/// rows that are rewritten many times. Once it has caught up they are made LOGGED (one rewrite of the final rows)
/// before they can be swapped in. A crash truncates unlogged tables while the rebuild's checkpoint survives, so a
/// rebuild whose runner starts while its tables are still unlogged starts again from position zero
/// (<see cref="RestartIfNotDurableAsync"/>).
/// </remarks>
internal static class RebuildSwap
{
    /// <summary>
    /// Turns a request into a rebuild: returns the new version, or null when no request is pending. The request stays
    /// set until the swap (or until the rebuild fails, <see cref="AbandonAsync"/>).
    /// </summary>
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
        await ReadModelSchema.ExecuteAsync(conn, tx, ReadModelSchema.CreateTablesSql(definition, version, deferIndexes: true, unlogged: true), ct);
        await DeleteCheckpointAsync(conn, tx, definition.CheckpointId(version), ct);
        await tx.CommitAsync(ct);
        return version;
    }

    /// <summary>
    /// A request that cannot become a rebuild (beginning failed with an error that retrying will not cure): the request is
    /// cleared and its error recorded, so that the status shows it and a new request can replace it. Only the request
    /// that was tried (<paramref name="requestedAt"/>) is failed, not a newer one.
    /// </summary>
    public static async Task FailRequestAsync(NpgsqlDataSource dataSource, ProjectionDefinition definition, DateTimeOffset requestedAt, string error,
        CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            UPDATE rm.projections SET rebuild_requested_at = NULL, rebuild_error = $3, rebuild_failed_at = now()
             WHERE name = $1 AND state = 'live' AND rebuild_requested_at = $2
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition.Name });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = requestedAt });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = error });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Gives up a rebuild that failed (its runner stopped first): the projection goes back to live on the version it
    /// never left, with the error recorded; the rebuild's tables and checkpoint are dropped. Should the clean-up fail
    /// too, the error is still recorded (the next rebuild drops the leftovers of the same version when it begins).
    /// </summary>
    public static async Task AbandonAsync(NpgsqlDataSource dataSource, ProjectionDefinition definition, int version, string error, CancellationToken ct)
    {
        try
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await using (var abandon = AbandonCommand(conn, tx))
                if (await abandon.ExecuteNonQueryAsync(ct) == 0) return;
            await ReadModelSchema.ExecuteAsync(conn, tx, ReadModelSchema.DropTablesSql(definition, version), ct);
            await DeleteCheckpointAsync(conn, tx, definition.CheckpointId(version), ct);
            await tx.CommitAsync(ct);
        }
        catch (PostgresException) when (!ct.IsCancellationRequested)
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await using var abandon = AbandonCommand(conn, null);
            await abandon.ExecuteNonQueryAsync(ct);
        }

        NpgsqlCommand AbandonCommand(NpgsqlConnection conn, NpgsqlTransaction? tx)
        {
            var cmd = new NpgsqlCommand("""
                UPDATE rm.projections SET state = 'live', rebuild_version = NULL, rebuild_requested_at = NULL, rebuild_checksum = NULL,
                       rebuild_error = $3, rebuild_failed_at = now()
                 WHERE name = $1 AND state = 'rebuilding' AND rebuild_version = $2
                """, conn, tx);
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition.Name });
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = error });
            return cmd;
        }
    }

    /// <summary>Whether retrying may cure the error (the connection or the server for a moment): then the step is tried again instead of failed.</summary>
    public static bool IsTransient(Exception e) =>
        e is NpgsqlException { IsTransient: true } or TimeoutException or OperationCanceledException;

    /// <summary>
    /// The error as <c>rm.projections</c> records it: PostgreSQL's code and message (never its detail, which can hold a
    /// row's values), else the exception's type and message; at most 500 characters.
    /// </summary>
    public static string Describe(Exception e)
    {
        var text = e is PostgresException p ? $"{p.SqlState}: {p.MessageText}" : $"{e.GetType().Name}: {e.Message}";
        return text.Length <= 500 ? text : text[..497] + "...";
    }

    /// <summary>
    /// Once the rebuild has caught up: creates the indexes its tables were created without. Outside the swap, so that
    /// the swap's transaction stays short; the swap checks them again.
    /// </summary>
    public static async Task CreateIndexesAsync(NpgsqlDataSource dataSource, ProjectionDefinition definition, int version, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        // Logged first, so that the index builds need no second rewrite.
        await ReadModelSchema.ExecuteAsync(conn, null, ReadModelSchema.SetLoggedSql(definition, version), ct);
        await ReadModelSchema.ExecuteAsync(conn, null, ReadModelSchema.CreateIndexesSql(definition, version), ct);
    }

    /// <summary>
    /// Before a rebuild's runner starts: if its tables are still unlogged and it has made progress, a crash may have
    /// emptied them behind its checkpoint, so empty them and drop the checkpoint (the rebuild replays from zero).
    /// Returns whether it restarted.
    /// </summary>
    public static async Task<bool> RestartIfNotDurableAsync(NpgsqlDataSource dataSource, ProjectionDefinition definition, int version, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var check = new NpgsqlCommand("""
            SELECT EXISTS (SELECT FROM es.checkpoints WHERE subscription_id = $1)
               AND EXISTS (SELECT FROM pg_class WHERE oid = ANY($2::regclass[]) AND relpersistence = 'u')
            """, conn, tx))
        {
            check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition.CheckpointId(version) });
            check.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. definition.Tables.Select(t => t.Versioned(version))] });
            if (await check.ExecuteScalarAsync(ct) is not true) return false;
        }
        await ReadModelSchema.ExecuteAsync(conn, tx,
            "TRUNCATE " + string.Join(", ", definition.Tables.Select(t => t.Versioned(version))), ct);
        await DeleteCheckpointAsync(conn, tx, definition.CheckpointId(version), ct);
        await tx.CommitAsync(ct);
        return true;
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

        // Readers must find durable tables with every index (normally done already, then no-ops).
        await ReadModelSchema.ExecuteAsync(conn, tx, ReadModelSchema.SetLoggedSql(definition, rebuildVersion), ct);
        await ReadModelSchema.ExecuteAsync(conn, tx, ReadModelSchema.CreateIndexesSql(definition, rebuildVersion), ct);
        var checksum = await ChecksumAsync(conn, tx, definition.Name, rebuildVersion, ct);
        var previous = samePosition ? await ChecksumAsync(conn, tx, definition.Name, activeVersion, ct) : null;
        await ReadModelSchema.ExecuteAsync(conn, tx,
            string.Join(";\n", definition.Tables.Select(t => t.PointViewSql(rebuildVersion))), ct);
        await using (var update = new NpgsqlCommand("""
            UPDATE rm.projections
               SET active_version = $2, state = 'live', rebuild_version = NULL, rebuild_requested_at = NULL,
                   rebuilt_at = now(), checksum = $3, rebuild_checksum = $4, rebuild_error = NULL, rebuild_failed_at = NULL
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
