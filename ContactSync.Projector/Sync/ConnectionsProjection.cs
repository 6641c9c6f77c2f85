using ContactSync.Domain.Accounts;
using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Sync;
using ContactSync.EventStore;
using ContactSync.EventStore.Projections;
using ContactSync.Projector.Projections;
using Npgsql;

namespace ContactSync.Projector.Sync;

/// <summary>
/// <c>rm.connections</c>: one row per connection with its settings and the state a user sees, folded from three
/// streams: the control plane (<c>Connection-{id}</c>), the data plane the worker writes (<c>ConnectionSync-{id}</c>:
/// runs, progress, links, conflicts) and the account's grant (<c>Account-{id}</c>: re-auth, disconnect).
/// <c>rm.connection_accounts</c> keeps each account's grant status, so a connection created later starts with it.
/// </summary>
internal sealed class ConnectionsProjection(ProjectionTables tables, ILogger logger) : IPostgresProjection
{
    public static readonly ProjectionDefinition Definition = new("connections",
    [
        new("connections", """
            connection_id uuid PRIMARY KEY, tenant_id uuid NOT NULL, user_id uuid NOT NULL, account_id uuid NOT NULL, provider text NOT NULL,
            scope text NOT NULL, list_id uuid NULL, group_id text NULL, group_name text NOT NULL, direction text NOT NULL,
            provider_deletes text NOT NULL, conflicts text NOT NULL, visibility text NOT NULL, match_by text NOT NULL, poll_seconds int NOT NULL,
            status text NOT NULL, paused_for text NULL, needs_reauth bool NOT NULL, last_error text NULL, account_status text NOT NULL,
            account_message text NULL, state text NOT NULL, run_id uuid NULL, progress_phase text NULL, progress_done int NULL,
            progress_total int NULL, last_sync_at timestamptz NULL, run_error text NULL, linked int NOT NULL, open_conflicts int NOT NULL,
            created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, version bigint NOT NULL
            """, ["account_id", "tenant_id, connection_id", "tenant_id, user_id, connection_id"], IndexesServeWrites: true,
            // Added with the operator's throttling view: an existing table gets them in place, and a rebuild fills in earlier runs.
            AddedColumns: ["provider_requests bigint NOT NULL DEFAULT 0", "throttled_requests bigint NOT NULL DEFAULT 0"]),
        new("connection_accounts", "account_id uuid PRIMARY KEY, tenant_id uuid NOT NULL, user_id uuid NOT NULL, status text NOT NULL, message text NULL", []),
    ],
        EventFilter.StreamPrefix(StreamNames.ConnectionCategory + "-", StreamNames.ConnectionSyncCategory + "-", StreamNames.AccountCategory + "-"),
        (t, logs) => new ConnectionsProjection(t, logs.CreateLogger<ConnectionsProjection>()));

    public EventFilter? Filter => Definition.Filter;

    public async Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<RecordedEvent> events, CancellationToken ct)
    {
        var batch = DomainEvents.Read(events, logger).Select(e => e.Event).ToList();
        var accountIds = batch.OfType<AccountEvent>().Select(e => e.AccountId)
            .Concat(batch.OfType<ConnectionEvent.ConnectionCreated>().Select(e => e.AccountId)).ToHashSet();
        var accounts = (await Rows.LoadAsync<AccountRow>(conn, tx, tables["connection_accounts"], "account_id", accountIds, ct))
            .ToDictionary(a => a.AccountId);
        var connectionIds = batch.OfType<ConnectionEvent>().Select(e => e.ConnectionId)
            .Concat(batch.OfType<SyncEvent>().Select(e => e.ConnectionId)).ToHashSet();
        var rows = (await Rows.LoadAsync<ConnectionRow>(conn, tx, tables["connections"], "connection_id", connectionIds, ct))
            .Concat(await LoadByAccountAsync(conn, tx, [.. batch.OfType<AccountEvent>().Select(e => e.AccountId).Distinct()], ct))
            .DistinctBy(r => r.ConnectionId).ToDictionary(r => r.ConnectionId);
        var changed = new HashSet<Guid>();
        var changedAccounts = new HashSet<Guid>();

        foreach (var e in batch)
        {
            switch (e)
            {
                case ConnectionEvent.ConnectionCreated c:
                    rows[c.ConnectionId] = ConnectionRow.Created(Connection.Evolve(Connection.Initial, c), accounts.GetValueOrDefault(c.AccountId), c.At);
                    changed.Add(c.ConnectionId);
                    break;
                case ConnectionEvent c when rows.TryGetValue(c.ConnectionId, out var row):
                    rows[c.ConnectionId] = row.With(Connection.Evolve(row.ToState(), c)) with { UpdatedAt = c.At };
                    changed.Add(c.ConnectionId);
                    break;
                case SyncEvent s when rows.TryGetValue(s.ConnectionId, out var row):
                    rows[s.ConnectionId] = ApplySync(row, s).Shown();
                    changed.Add(s.ConnectionId);
                    break;
                case AccountEvent a:
                    var account = Apply(accounts.GetValueOrDefault(a.AccountId), a);
                    accounts[a.AccountId] = account;
                    changedAccounts.Add(a.AccountId);
                    foreach (var r in rows.Values.Where(r => r.AccountId == a.AccountId).ToList())
                    {
                        rows[r.ConnectionId] = (r with { AccountStatus = account.Status, AccountMessage = account.Message, UpdatedAt = a.At }).Shown();
                        changed.Add(r.ConnectionId);
                    }
                    break;
            }
        }
        await Rows.UpsertAsync(conn, tx, tables["connection_accounts"], "account_id", [.. changedAccounts.Select(id => accounts[id])], ct);
        await Rows.UpsertAsync(conn, tx, tables["connections"], "connection_id", [.. changed.Select(id => rows[id])], ct);
    }

    private static AccountRow Apply(AccountRow? row, AccountEvent e) => e switch
    {
        AccountEvent.AccountConnected c => new AccountRow(c.AccountId, c.TenantId, c.UserId, AccountRow.Connected, null),
        AccountEvent.AccountGrantRenewed => Known(row, e) with { Status = AccountRow.Connected, Message = null },
        AccountEvent.AccountReauthRequired r => Known(row, e) with { Status = AccountRow.NeedsReauth, Message = r.Message },
        AccountEvent.AccountDisconnected => Known(row, e) with { Status = AccountRow.Disconnected, Message = null },
        _ => Known(row, e),
    };

    private static AccountRow Known(AccountRow? row, AccountEvent e) => row ?? new AccountRow(e.AccountId, e.TenantId, Guid.Empty, AccountRow.Connected, null);

    /// <summary>Runs, progress, links and conflicts; a run's end closes it whichever run the row thought was open.</summary>
    private static ConnectionRow ApplySync(ConnectionRow row, SyncEvent e) => e switch
    {
        SyncEvent.SyncRunStarted s => row with { RunId = s.RunId, ProgressPhase = "starting", ProgressDone = 0, ProgressTotal = 0, UpdatedAt = s.At },
        SyncEvent.SyncRunProgressed p => row with { RunId = p.RunId, ProgressPhase = p.Phase, ProgressDone = p.Done, ProgressTotal = p.Total, UpdatedAt = p.At },
        SyncEvent.SyncRunCompleted c => Count(EndRun(row, c.At), c.Counts) with { RunError = null },
        SyncEvent.SyncRunFailed f => Count(EndRun(row, f.At), f.Counts) with { RunError = f.Error },
        SyncEvent.ContactLinked l => row with { Linked = row.Linked + 1, UpdatedAt = l.At },
        SyncEvent.ContactUnlinked u => row with { Linked = Math.Max(0, row.Linked - 1), UpdatedAt = u.At },
        SyncEvent.ConflictRecorded c => row with { OpenConflicts = row.OpenConflicts + 1, UpdatedAt = c.At },
        SyncEvent.ConflictResolved r => row with { OpenConflicts = Math.Max(0, row.OpenConflicts - 1), UpdatedAt = r.At },
        _ => row,
    };

    /// <summary>
    /// The run's provider requests added to the connection's totals. The worker counts each request it sent once:
    /// under its endpoint's key, or under <see cref="ThrottledKey"/> when the answer was throttling (429, 503 with
    /// Retry-After); so the sum of all values is every request sent, and that key alone the throttled ones.
    /// </summary>
    private static ConnectionRow Count(ConnectionRow row, RunCounts counts) => counts.ProviderRequests is not { } requests ? row : row with
    {
        ProviderRequests = row.ProviderRequests + requests.Values.Sum(v => (long)v),
        ThrottledRequests = row.ThrottledRequests + requests.GetValueOrDefault(ThrottledKey),
    };

    public const string ThrottledKey = "throttled";

    private static ConnectionRow EndRun(ConnectionRow row, DateTimeOffset at) =>
        row with { RunId = null, ProgressPhase = null, ProgressDone = null, ProgressTotal = null, LastSyncAt = at, UpdatedAt = at };

    private async Task<List<ConnectionRow>> LoadByAccountAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid[] accountIds, CancellationToken ct)
    {
        if (accountIds.Length == 0) return [];
        await using var cmd = new NpgsqlCommand($"SELECT to_jsonb(t)::text FROM {tables["connections"]} t WHERE account_id = ANY($1)", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = accountIds });
        return [.. (await Rows.ReadStringsAsync(cmd, ct)).Select(json => System.Text.Json.JsonSerializer.Deserialize<ConnectionRow>(json, Rows.Options)!)];
    }
}
