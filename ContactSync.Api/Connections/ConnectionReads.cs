using ContactSync.Api.Auth;
using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using Npgsql;

namespace ContactSync.Api.Connections;

/// <summary>
/// Connections from the <c>connections</c> read model: a connection is visible to the user whose connection it is
/// and to the tenant's admins; to anybody else it does not exist.
/// </summary>
public sealed class ConnectionReads(ReadModelDb db)
{
    // A grant waiting for re-auth explains the state better than the last run's error.
    private const string Select = """
        SELECT connection_id, account_id, provider, user_id, scope, list_id, group_id, group_name, direction, provider_deletes, conflicts,
               visibility, match_by, poll_seconds, state, progress_phase, progress_done, progress_total, last_sync_at,
               CASE WHEN account_status = 'needs-reauth' THEN account_message ELSE coalesce(last_error, run_error) END,
               linked, open_conflicts, paused_for, version
          FROM rm.connections
         WHERE tenant_id = $1 AND ($2 OR user_id = $3)
        """;

    public async Task<ConnectionResponse?> GetAsync(Caller caller, Guid id, CancellationToken ct)
    {
        await using var cmd = Command($"{Select} AND connection_id = $4", caller);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    /// <summary>A keyset page in id order, one row more than <paramref name="limit"/>.</summary>
    public async Task<List<ConnectionResponse>> ListAsync(Caller caller, Guid? after, int limit, CancellationToken ct)
    {
        await using var cmd = Command($"{Select} AND ($4::uuid IS NULL OR connection_id > $4) ORDER BY connection_id LIMIT $5", caller);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid, Value = (object?)after ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var items = new List<ConnectionResponse>();
        while (await r.ReadAsync(ct)) items.Add(Read(r));
        return items;
    }

    /// <summary>The connections of an account not disconnected on their own stream (whatever their account's status).</summary>
    public async Task<List<Guid>> ActiveIdsOfAccountAsync(Guid tenantId, Guid accountId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT connection_id FROM rm.connections WHERE tenant_id = $1 AND account_id = $2 AND status <> 'disconnected'");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = accountId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var ids = new List<Guid>();
        while (await r.ReadAsync(ct)) ids.Add(r.GetGuid(0));
        return ids;
    }

    private NpgsqlCommand Command(string sql, Caller caller)
    {
        var cmd = db.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.TenantId });
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = caller.IsAdmin });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.UserId });
        return cmd;
    }

    private static ConnectionResponse Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetGuid(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetGuid(5),
        new ConnectionGroup(r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7)), r.GetString(8), r.GetString(9), r.GetString(10),
        r.GetString(11), r.GetString(12), r.GetInt32(13), r.GetString(14),
        r.IsDBNull(15) ? null : new ConnectionProgress(r.GetString(15), r.GetInt32(16), r.GetInt32(17)),
        r.IsDBNull(18) ? null : r.GetFieldValue<DateTimeOffset>(18), r.IsDBNull(19) ? null : r.GetString(19),
        new ConnectionCounts(r.GetInt32(20), r.GetInt32(21)), r.IsDBNull(22) ? null : r.GetString(22), r.GetInt64(23));
}

/// <summary>
/// A connection as the API shows it (api.md, "Connections"), with its owner, provider, pause reason and version
/// (also its <c>ETag</c>) beside the contract's members.
/// </summary>
public sealed record ConnectionResponse(
    Guid Id, Guid AccountId, string Provider, Guid OwnerId, string Scope, Guid? ListId, ConnectionGroup Group, string Direction,
    string ProviderDeletes, string Conflicts, string Visibility, string MatchBy, int PollSeconds, string State, ConnectionProgress? Progress,
    DateTimeOffset? LastSyncAt, string? LastError, ConnectionCounts Counts, string? PausedFor, long Version)
{
    /// <summary>From the stream alone, when the read model has not caught up within the write's wait: no run state or counts.</summary>
    public static ConnectionResponse From(Connection c) => new(
        c.Id, c.AccountId, c.Provider, c.UserId, WireNames<ConnectionScope>.ToName(c.Scope), c.ListId, new ConnectionGroup(c.Group.Id, c.Group.Name),
        WireNames<SyncDirection>.ToName(c.Settings.Direction), WireNames<ProviderDeletes>.ToName(c.Settings.ProviderDeletes),
        WireNames<ConflictPolicy>.ToName(c.Settings.Conflicts), c.Settings.Visibility.ToName(), WireNames<MatchBy>.ToName(c.Settings.MatchBy),
        c.Settings.PollSeconds, c.DisplayState, null, null, c.LastError, new ConnectionCounts(0, 0),
        c.PausedFor is { } p ? WireNames<PauseReason>.ToName(p) : null, c.Version);
}

public sealed record ConnectionGroup(string? Id, string Name);

public sealed record ConnectionProgress(string Phase, int Done, int Total);

public sealed record ConnectionCounts(int Linked, int Conflicts);
