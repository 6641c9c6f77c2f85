using ContactSync.Api.Infrastructure;
using Npgsql;

namespace ContactSync.Api.Ops;

/// <summary>
/// Every tenant's connections from <c>rm.connections</c>, for the operator: ids, states, progress, errors and
/// request counts only. Names, e-mails and group names are contact data of the tenant and never leave here.
/// </summary>
public sealed class OpsConnectionReads(ReadModelDb db)
{
    /// <summary>A bound on the status answer, polled every second; beyond it the page says the list is cut.</summary>
    public const int MaxConnections = 1000;

    // lag: seconds since the connection's last finished run (or its creation, before the first run ends). The read
    // model does not know which CRM or provider changes are still pending, so this is the age of the last agreement
    // of both sides: an upper bound on how long a change may have waited, not the age of the oldest waiting change.
    // A ready connection (never started) or a disconnected one is not expected to sync: no lag.
    private const string Select = """
        SELECT connection_id, tenant_id, account_id, provider, state, paused_for, progress_phase, progress_done, progress_total, last_sync_at,
               CASE WHEN account_status = 'needs-reauth' THEN account_message ELSE coalesce(last_error, run_error) END,
               linked, open_conflicts, provider_requests, throttled_requests,
               CASE WHEN state IN ('ready', 'disconnected') THEN NULL
                    ELSE greatest(0, extract(epoch FROM now() - coalesce(last_sync_at, created_at)))::float8 END
          FROM rm.connections
        """;

    public async Task<List<OpsConnection>> AllAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"{Select} ORDER BY tenant_id, connection_id LIMIT {MaxConnections + 1}");
        return await ReadAsync(cmd, ct);
    }

    public async Task<OpsConnection?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"{Select} WHERE connection_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        return (await ReadAsync(cmd, ct)).FirstOrDefault();
    }

    /// <summary>Every connection of every tenant that syncs (active, not paused or disconnected).</summary>
    public async Task<List<Guid>> ActiveIdsAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT connection_id FROM rm.connections WHERE status = 'active' ORDER BY connection_id");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var ids = new List<Guid>();
        while (await r.ReadAsync(ct)) ids.Add(r.GetGuid(0));
        return ids;
    }

    /// <summary>Cumulative provider requests and throttled answers of every connection's finished runs.</summary>
    public async Task<Throttling> ThrottlingAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT coalesce(sum(provider_requests), 0)::bigint, coalesce(sum(throttled_requests), 0)::bigint FROM rm.connections");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new Throttling(r.GetInt64(0), r.GetInt64(1));
    }

    private static async Task<List<OpsConnection>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var items = new List<OpsConnection>();
        while (await r.ReadAsync(ct))
            items.Add(new OpsConnection(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
                r.IsDBNull(6) ? null : new Connections.ConnectionProgress(r.GetString(6), r.GetInt32(7), r.GetInt32(8)),
                r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9), r.IsDBNull(10) ? null : r.GetString(10),
                r.IsDBNull(15) ? null : Math.Round(r.GetDouble(15), 1),
                new Connections.ConnectionCounts(r.GetInt32(11), r.GetInt32(12)), new RequestCounts(r.GetInt64(13), r.GetInt64(14))));
        return items;
    }
}

/// <summary>A connection as the operator sees it (api.md, "Audit, dashboard, operations"), with its account, pause reason and counts.</summary>
public sealed record OpsConnection(
    Guid Id, Guid TenantId, Guid AccountId, string Provider, string State, string? PausedFor, Connections.ConnectionProgress? Progress,
    DateTimeOffset? LastSyncAt, string? LastError, double? Lag, Connections.ConnectionCounts Counts, RequestCounts Requests);

/// <summary>Provider requests of a connection's finished runs, and how many of them were throttled.</summary>
public sealed record RequestCounts(long Total, long Throttled);
