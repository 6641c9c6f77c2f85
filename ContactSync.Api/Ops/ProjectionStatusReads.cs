using ContactSync.Api.Infrastructure;
using System.Globalization;
using ContactSync.EventStore;
using Npgsql;

namespace ContactSync.Api.Ops;

public enum RebuildRequest { Accepted, AlreadyRebuilding, Unknown }

/// <summary>Reads of <c>rm.projections</c> (owned by the projector) and the checkpoints of its runners.</summary>
public sealed class ProjectionStatusReads(ReadModelDb db, IEventStore store)
{
    public sealed record Row(string Name, string State, Position Position, Position? RebuildPosition, string? Checksum, DateTimeOffset? RebuiltAt);

    // {0}: the checksum column: computed on demand (rm.projection_checksum, the projector's SQL digest) only for one projection.
    private const string Sql = """
        SELECT p.name, p.state, c.commit_position, c.prepare_position, r.commit_position, r.prepare_position, {0}, p.rebuilt_at
          FROM rm.projections p
          LEFT JOIN es.checkpoints c ON c.subscription_id = p.name || '@v' || p.active_version AND c.partition = 0
          LEFT JOIN es.checkpoints r ON p.state = 'rebuilding' AND r.subscription_id = p.name || '@v' || p.rebuild_version AND r.partition = 0
        """;

    public Task<Position> HeadAsync(CancellationToken ct) => store.GetHeadPositionAsync(ct);

    public async Task<List<Row>> AllAsync(CancellationToken ct) => await QueryAsync(string.Format(CultureInfo.InvariantCulture, Sql, "p.checksum") + " ORDER BY p.name", null, ct);

    public async Task<Row?> GetAsync(string name, CancellationToken ct) =>
        name.Length > 100 ? null : (await QueryAsync(string.Format(CultureInfo.InvariantCulture, Sql, "rm.projection_checksum(p.name)") + " WHERE p.name = $1", name, ct)).FirstOrDefault();

    public async Task<RebuildRequest> RequestRebuildAsync(string name, CancellationToken ct)
    {
        if (name.Length > 100) return RebuildRequest.Unknown;
        await using var cmd = db.CreateCommand("""
            WITH requested AS (
              UPDATE rm.projections SET rebuild_requested_at = now()
               WHERE name = $1 AND state = 'live' AND (rebuild_requested_at IS NULL OR rebuilt_at >= rebuild_requested_at)
              RETURNING 1)
            SELECT (SELECT count(*) FROM requested), (SELECT count(*) FROM rm.projections WHERE name = $1)
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return r.GetInt64(0) == 1 ? RebuildRequest.Accepted : r.GetInt64(1) == 1 ? RebuildRequest.AlreadyRebuilding : RebuildRequest.Unknown;
    }

    /// <summary>Events appended in the last second and the last minute (scans only the newest part of the log).</summary>
    public async Task<(long LastSecond, long LastMinute)> EventsAppendedAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT count(*) FILTER (WHERE created > now() - interval '1 second'), count(*) FROM es.events
             WHERE global_position > (SELECT coalesce(max(global_position), 0) FROM es.events) - 200000
               AND created > now() - interval '1 minute'
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetInt64(0), r.GetInt64(1));
    }

    private async Task<List<Row>> QueryAsync(string sql, string? name, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        if (name is not null) cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<Row>();
        while (await r.ReadAsync(ct))
        {
            var position = r.IsDBNull(2) ? Position.Start : new Position(r.GetFieldValue<ulong>(2), (ulong)r.GetInt64(3));
            Position? rebuild = r.IsDBNull(4) ? null : new Position(r.GetFieldValue<ulong>(4), (ulong)r.GetInt64(5));
            rows.Add(new Row(r.GetString(0), r.GetString(1), position, rebuild, r.IsDBNull(6) ? null : r.GetString(6),
                r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7)));
        }
        return rows;
    }
}
