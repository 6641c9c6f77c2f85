using System.Text.Json;
using Npgsql;

namespace ContactSync.Api.Connections;

/// <summary>
/// Runs and conflicts of connections from the <c>connections</c> projection's <c>rm.sync_runs</c> and
/// <c>rm.sync_conflicts</c>; every query is scoped to the tenant and the connection, whose visibility the caller checked.
/// </summary>
public sealed class ConnectionActivityReads(Infrastructure.ReadModelDb db)
{
    private const string ConflictColumns = """
        conflict_id, run_id, contact_id, field, coalesce(crm_value, 'null'::jsonb)::text, coalesce(provider_value, 'null'::jsonb)::text,
        crm_changed_at, provider_changed_at, policy, winner, recorded_at, resolved, resolution_side, resolved_at
        """;

    private const string RunColumns = """
        run_id, kind, started_at, ended_at, state, created_in_crm, created_in_provider, updated_in_crm, updated_in_provider, deleted_in_crm,
        deleted_in_provider, linked, conflicts, errors, coalesce(provider_requests, '{}'::jsonb)::text, coalesce(warnings, '[]'::jsonb)::text,
        error, reverted_at
        """;

    public async Task<ConflictResponse?> ConflictAsync(Guid tenantId, Guid connectionId, Guid conflictId, CancellationToken ct) =>
        (await ConflictsAsync(tenantId, connectionId, "conflict_id = $4", 1, ct, conflictId)).FirstOrDefault();

    /// <param name="openOnly">Only conflicts nobody resolved yet, oldest first; else every conflict, newest first.</param>
    public Task<List<ConflictResponse>> ConflictsAsync(Guid tenantId, Guid connectionId, bool openOnly, int limit, CancellationToken ct) =>
        openOnly ? ConflictsAsync(tenantId, connectionId, "NOT resolved ORDER BY recorded_at, conflict_id", limit, ct)
            : ConflictsAsync(tenantId, connectionId, "true ORDER BY recorded_at DESC, conflict_id DESC", limit, ct);

    private async Task<List<ConflictResponse>> ConflictsAsync(Guid tenantId, Guid connectionId, string where, int limit, CancellationToken ct, Guid? conflictId = null)
    {
        await using var cmd = Command($"SELECT {ConflictColumns} FROM rm.sync_conflicts WHERE tenant_id = $1 AND connection_id = $2 AND {where} LIMIT $3",
            tenantId, connectionId, limit);
        if (conflictId is { } cid) cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = cid });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var items = new List<ConflictResponse>();
        while (await r.ReadAsync(ct))
            items.Add(new ConflictResponse(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetString(3), Json(r.GetString(4)), Json(r.GetString(5)),
                Time(r, 6), Time(r, 7), r.GetString(8), r.GetString(9), r.GetFieldValue<DateTimeOffset>(10), r.GetBoolean(11),
                r.IsDBNull(12) ? null : r.GetString(12), Time(r, 13), false));
        return items;
    }

    public async Task<List<RunResponse>> RunsAsync(Guid tenantId, Guid connectionId, int limit, CancellationToken ct, DateTimeOffset? since = null, bool errorsOnly = false)
    {
        await using var cmd = Command($"""
            SELECT {RunColumns} FROM rm.sync_runs WHERE tenant_id = $1 AND connection_id = $2 AND started_at >= $4
               {(errorsOnly ? "AND (state = 'failed' OR errors > 0)" : "")}
             ORDER BY started_at DESC, run_id DESC LIMIT $3
            """, tenantId, connectionId, limit);
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = (since ?? DateTimeOffset.UnixEpoch).ToUniversalTime() });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var items = new List<RunResponse>();
        while (await r.ReadAsync(ct))
            items.Add(new RunResponse(r.GetGuid(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), Time(r, 3), r.GetString(4),
                new SideCounts(r.GetInt32(5), r.GetInt32(6)), new SideCounts(r.GetInt32(7), r.GetInt32(8)), new SideCounts(r.GetInt32(9), r.GetInt32(10)),
                r.GetInt32(11), r.GetInt32(12), r.GetInt32(13), Json(r.GetString(14)), Json(r.GetString(15)), r.IsDBNull(16) ? null : r.GetString(16), Time(r, 17)));
        return items;
    }

    /// <summary>What the connection's runs since <paramref name="since"/> did, per side (reverted runs included: their counts are what they did).</summary>
    public async Task<RecentActivity> RecentAsync(Guid tenantId, Guid connectionId, DateTimeOffset since, CancellationToken ct)
    {
        await using var cmd = Command("""
            SELECT coalesce(sum(created_in_crm), 0)::int, coalesce(sum(created_in_provider), 0)::int, coalesce(sum(updated_in_crm), 0)::int,
                   coalesce(sum(updated_in_provider), 0)::int, coalesce(sum(deleted_in_crm), 0)::int, coalesce(sum(deleted_in_provider), 0)::int,
                   count(*)::int, count(*) FILTER (WHERE state = 'failed')::int, coalesce(sum(errors), 0)::int, coalesce(sum(conflicts), 0)::int
              FROM rm.sync_runs WHERE tenant_id = $1 AND connection_id = $2 AND started_at >= $4 AND $3 > 0
            """, tenantId, connectionId, 1);
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = since.ToUniversalTime() });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new RecentActivity(since, new SideCounts(r.GetInt32(0), r.GetInt32(1)), new SideCounts(r.GetInt32(2), r.GetInt32(3)),
            new SideCounts(r.GetInt32(4), r.GetInt32(5)), r.GetInt32(6), r.GetInt32(7), r.GetInt32(8), r.GetInt32(9));
    }

    /// <summary>The tenant's connections in one row: count by shown state, linked contacts, open conflicts, and the runs since <paramref name="since"/>.</summary>
    public async Task<TenantConnectionTotals> TenantTotalsAsync(Guid tenantId, DateTimeOffset since, CancellationToken ct)
    {
        var byState = new Dictionary<string, int>(StringComparer.Ordinal);
        int total = 0, linked = 0, open = 0;
        await using (var cmd = db.CreateCommand("""
            SELECT state, count(*)::int, coalesce(sum(linked), 0)::int, coalesce(sum(open_conflicts), 0)::int FROM rm.connections WHERE tenant_id = $1 GROUP BY state
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                byState[r.GetString(0)] = r.GetInt32(1);
                total += r.GetInt32(1);
                linked += r.GetInt32(2);
                open += r.GetInt32(3);
            }
        }
        await using (var cmd = db.CreateCommand("""
            SELECT count(*)::int, count(*) FILTER (WHERE state = 'failed')::int, coalesce(sum(errors), 0)::int
              FROM rm.sync_runs WHERE tenant_id = $1 AND started_at >= $2
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
            cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = since.ToUniversalTime() });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            return new TenantConnectionTotals(total, byState, linked, open, new TenantRecentRuns(since, r.GetInt32(0), r.GetInt32(1), r.GetInt32(2)));
        }
    }

    private NpgsqlCommand Command(string sql, Guid tenantId, Guid connectionId, int limit)
    {
        var cmd = db.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = connectionId });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return cmd;
    }

    private static JsonElement Json(string text)
    {
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
}

public sealed record SideCounts(int Crm, int Provider);

/// <summary>A conflict (rule 5): both values and the times each side changed it, the policy, the side that won; its resolution.</summary>
/// <param name="Hidden">The caller cannot see the conflict's contact (any more): both values are null.</param>
public sealed record ConflictResponse(
    Guid Id, Guid RunId, Guid ContactId, string Field, JsonElement CrmValue, JsonElement ProviderValue, DateTimeOffset? CrmChangedAt,
    DateTimeOffset? ProviderChangedAt, string Policy, string Winner, DateTimeOffset RecordedAt, bool Resolved, string? ResolutionSide,
    DateTimeOffset? ResolvedAt, bool Hidden);

/// <summary>A run: kind, times, state (<c>running</c>, <c>completed</c>, <c>failed</c>, <c>reverted</c>) and what it did per side.</summary>
public sealed record RunResponse(
    Guid Id, string Kind, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string State, SideCounts Created, SideCounts Updated,
    SideCounts Deleted, int Linked, int Conflicts, int Errors, JsonElement ProviderRequests, JsonElement Warnings, string? Error,
    DateTimeOffset? RevertedAt);

/// <summary>The runs since <see cref="Since"/> summed: contacts added, updated and deleted on each side.</summary>
public sealed record RecentActivity(DateTimeOffset Since, SideCounts Added, SideCounts Updated, SideCounts Deleted, int Runs, int FailedRuns,
    int Errors, int Conflicts);

public sealed record TenantRecentRuns(DateTimeOffset Since, int Runs, int FailedRuns, int Errors);

public sealed record TenantConnectionTotals(int Total, IReadOnlyDictionary<string, int> ByState, int TotalSynced, int OpenConflicts, TenantRecentRuns Recent);
