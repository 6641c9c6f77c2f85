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
        // Added with the connection dashboard (issue 8): a database that has the tables above gets these empty, and
        // ReadModelSchema requests a rebuild so they hold every earlier run and conflict.
        new("sync_runs", """
            run_id uuid PRIMARY KEY, connection_id uuid NOT NULL, tenant_id uuid NOT NULL, kind text NOT NULL, started_at timestamptz NOT NULL,
            ended_at timestamptz NULL, state text NOT NULL, created_in_crm int NOT NULL, updated_in_crm int NOT NULL, deleted_in_crm int NOT NULL,
            created_in_provider int NOT NULL, updated_in_provider int NOT NULL, deleted_in_provider int NOT NULL, linked int NOT NULL,
            conflicts int NOT NULL, errors int NOT NULL, provider_requests jsonb NULL, warnings jsonb NULL, error text NULL,
            reverted_at timestamptz NULL, reverted_by text NULL
            """, ["connection_id, started_at", "tenant_id, started_at"]),
        new("sync_conflicts", """
            conflict_id uuid PRIMARY KEY, connection_id uuid NOT NULL, tenant_id uuid NOT NULL, run_id uuid NOT NULL, contact_id uuid NOT NULL,
            field text NOT NULL, crm_value jsonb NULL, provider_value jsonb NULL, crm_changed_at timestamptz NULL, provider_changed_at timestamptz NULL,
            policy text NOT NULL, winner text NOT NULL, recorded_at timestamptz NOT NULL, resolved bool NOT NULL, resolution_side text NULL,
            resolved_at timestamptz NULL, resolved_by text NULL
            """, ["connection_id, resolved, recorded_at", "tenant_id, resolved"]),
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
        var runs = (await Rows.LoadAsync<SyncRunRow>(conn, tx, tables["sync_runs"], "run_id", RunIds(batch), ct)).ToDictionary(r => r.RunId);
        var conflicts = (await Rows.LoadAsync<SyncConflictRow>(conn, tx, tables["sync_conflicts"], "conflict_id", ConflictIds(batch), ct))
            .ToDictionary(c => c.ConflictId);
        var changedRuns = new HashSet<Guid>();
        var changedConflicts = new HashSet<Guid>();

        foreach (var e in batch)
        {
            ApplyActivity(e, runs, conflicts, changedRuns, changedConflicts);
            switch (e)
            {
                case ConnectionEvent.ConnectionCreated c:
                    rows[c.ConnectionId] = ConnectionRow.Created(Connection.Evolve(Connection.Initial, c), accounts.GetValueOrDefault(c.AccountId), c.At);
                    changed.Add(c.ConnectionId);
                    break;
                case ConnectionEvent c when rows.TryGetValue(c.ConnectionId, out var row):
                    rows[c.ConnectionId] = row.With(Connection.Evolve(row.ToState(), c)) with
                    {
                        UpdatedAt = c.At,
                        OpenConflicts = c is ConnectionEvent.ConnectionConflictResolved ? Math.Max(0, row.OpenConflicts - 1) : row.OpenConflicts,
                    };
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
        await Rows.UpsertAsync(conn, tx, tables["sync_runs"], "run_id", [.. changedRuns.Select(id => runs[id])], ct);
        await Rows.UpsertAsync(conn, tx, tables["sync_conflicts"], "conflict_id", [.. changedConflicts.Select(id => conflicts[id])], ct);
    }

    private static HashSet<Guid> RunIds(List<object> batch) => [.. batch.Select(e => e switch
    {
        SyncEvent.SyncRunStarted s => s.RunId,
        SyncEvent.SyncRunCompleted c => c.RunId,
        SyncEvent.SyncRunFailed f => f.RunId,
        ConnectionEvent.ConnectionRunReverted r => r.RunId,
        _ => Guid.Empty,
    }).Where(id => id != Guid.Empty)];

    private static HashSet<Guid> ConflictIds(List<object> batch) => [.. batch.Select(e => e switch
    {
        SyncEvent.ConflictRecorded c => c.ConflictId,
        SyncEvent.ConflictResolved r => r.ConflictId,
        ConnectionEvent.ConnectionConflictResolved r => r.ConflictId,
        _ => Guid.Empty,
    }).Where(id => id != Guid.Empty)];

    /// <summary><c>rm.sync_runs</c> and <c>rm.sync_conflicts</c>: runs from the sync stream, reverts and resolutions from the control plane.</summary>
    private static void ApplyActivity(object e, Dictionary<Guid, SyncRunRow> runs, Dictionary<Guid, SyncConflictRow> conflicts,
        HashSet<Guid> changedRuns, HashSet<Guid> changedConflicts)
    {
        switch (e)
        {
            case SyncEvent.SyncRunStarted s:
                runs[s.RunId] = runs.TryGetValue(s.RunId, out var existing) ? existing : SyncRunRow.Started(s);
                changedRuns.Add(s.RunId);
                break;
            case SyncEvent.SyncRunCompleted c when runs.TryGetValue(c.RunId, out var run):
                runs[c.RunId] = run.Ended(c.Counts, c.Warnings, null, c.At) is var ended && c.Kind is { } kind
                    ? ended with { Kind = WireNames<RunKind>.ToName(kind) } : ended;
                changedRuns.Add(c.RunId);
                break;
            case SyncEvent.SyncRunFailed f when runs.TryGetValue(f.RunId, out var run):
                runs[f.RunId] = run.Ended(f.Counts, [], f.Error, f.At, f.Throttled);
                changedRuns.Add(f.RunId);
                break;
            case ConnectionEvent.ConnectionRunReverted r when runs.TryGetValue(r.RunId, out var run):
                runs[r.RunId] = run with { State = SyncRunRow.Reverted, RevertedAt = r.At, RevertedBy = r.Actor.Id };
                changedRuns.Add(r.RunId);
                break;
            case SyncEvent.ConflictRecorded c:
                conflicts[c.ConflictId] = SyncConflictRow.Recorded(c);
                changedConflicts.Add(c.ConflictId);
                break;
            case SyncEvent.ConflictResolved r when conflicts.TryGetValue(r.ConflictId, out var conflict) && !conflict.Resolved:
                conflicts[r.ConflictId] = conflict with { Resolved = true, ResolutionSide = WireNames<SyncSide>.ToName(r.Applied), ResolvedAt = r.At, ResolvedBy = r.Actor.Id };
                changedConflicts.Add(r.ConflictId);
                break;
            case ConnectionEvent.ConnectionConflictResolved r when conflicts.TryGetValue(r.ConflictId, out var conflict) && !conflict.Resolved:
                conflicts[r.ConflictId] = conflict with { Resolved = true, ResolutionSide = WireNames<SyncSide>.ToName(r.Applied), ResolvedAt = r.At, ResolvedBy = r.Actor.Id };
                changedConflicts.Add(r.ConflictId);
                break;
        }
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
