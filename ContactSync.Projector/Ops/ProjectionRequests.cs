using Npgsql;

namespace ContactSync.Projector.Ops;

/// <summary>
/// The projector's side of the rebuild protocol as plain SQL on <c>rm.projections</c> (the API issues the same
/// statements itself; it does not reference the projector).
/// </summary>
public static class ProjectionRequests
{
    /// <summary>
    /// Asks the owning instance to rebuild a projection; false when it is unknown, already requested or rebuilding. A
    /// request that failed was cleared with its error recorded, so a new one replaces it (and clears the error).
    /// </summary>
    public static async Task<bool> RequestRebuildAsync(NpgsqlDataSource dataSource, string name, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            UPDATE rm.projections SET rebuild_requested_at = now(), rebuild_error = NULL, rebuild_failed_at = NULL
             WHERE name = $1 AND state = 'live' AND rebuild_requested_at IS NULL
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The digest of a projection's active tables now (<c>rm.projection_checksum</c>).</summary>
    public static async Task<string?> ChecksumAsync(NpgsqlDataSource dataSource, string name, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("SELECT rm.projection_checksum($1)");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }
}
