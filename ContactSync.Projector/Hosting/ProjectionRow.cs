using Npgsql;

namespace ContactSync.Projector.Hosting;

/// <summary>A projection's row in <c>rm.projections</c>.</summary>
internal sealed record ProjectionRow(string Name, int ActiveVersion, string State, int? RebuildVersion, DateTimeOffset? RebuildRequestedAt)
{
    public const string Live = "live";
    public const string Rebuilding = "rebuilding";

    public static async Task<ProjectionRow> ReadAsync(NpgsqlDataSource dataSource, string name, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT active_version, state, rebuild_version, rebuild_requested_at FROM rm.projections WHERE name = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw new InvalidOperationException($"rm.projections has no row for {name}.");
        return new ProjectionRow(name, r.GetInt32(0), r.GetString(1),
            r.IsDBNull(2) ? null : r.GetInt32(2), r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3));
    }
}
