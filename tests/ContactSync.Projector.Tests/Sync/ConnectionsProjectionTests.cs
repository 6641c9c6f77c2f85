using System.Text.Json;
using ContactSync.Domain.Accounts;
using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Serialization;
using ContactSync.Domain.Sync;
using ContactSync.EventStore;
using ContactSync.Projector.Ops;
using ContactSync.Projector.Tests.Support;
using ContactSync.Testing;
using static ContactSync.Domain.Connections.ConnectionEvent;
using static ContactSync.Domain.Sync.SyncEvent;

namespace ContactSync.Projector.Tests.Sync;

/// <summary>No worker exists yet: the data-plane events are appended straight to the store, as a worker will.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ConnectionsProjectionTests(PostgresFixture fixture)
{
    private const string Columns = """
        SELECT state, progress_phase, progress_done, progress_total, last_sync_at, run_error, linked, open_conflicts,
               direction, poll_seconds, group_id, group_name, account_status, last_error, version
          FROM rm.connections WHERE connection_id = $1
        """;

    private readonly Guid tenant = Guid.CreateVersion7();
    private readonly Guid user = Guid.CreateVersion7();
    private readonly Guid account = Guid.CreateVersion7();
    private readonly Actor actor = Actor.ForUser(Guid.CreateVersion7(), "Ann");
    private readonly DateTimeOffset at = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private Position last;

    [Fact]
    public async Task A_connection_shows_its_settings_runs_progress_links_and_conflicts()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        await scope.StartProjectorAsync();
        var id = Guid.CreateVersion7();
        var run = Guid.CreateVersion7();
        var contact = Guid.CreateVersion7();
        await AppendAsync(scope, StreamNames.Account(account), new AccountEvent.AccountConnected(tenant, account, user, "google", "ann@example.com",
            new SealedSecret("k1", "sealed"), actor, at));
        await AppendAsync(scope, StreamNames.Connection(id), Created(id));
        await AssertStateAsync(scope, id, "ready");

        await AppendAsync(scope, StreamNames.Connection(id), new ConnectionStarted(tenant, id, actor, at));
        await AssertStateAsync(scope, id, "starting");

        await AppendAsync(scope, StreamNames.ConnectionSync(id), new SyncRunStarted(tenant, id, run, RunKind.FirstSync, at),
            new SyncRunProgressed(tenant, id, run, "pushing", 3, 10, at.AddSeconds(1)));
        var row = await AssertStateAsync(scope, id, "syncing");
        Assert.Equal(["pushing", 3, 10], row[1..4]);

        await AppendAsync(scope, StreamNames.ConnectionSync(id),
            new ContactLinked(tenant, id, run, contact, "people/c1", "e1", ContactFields.Empty, true, at),
            new ContactLinked(tenant, id, run, Guid.CreateVersion7(), "people/c2", "e2", ContactFields.Empty, true, at),
            new ContactUnlinked(tenant, id, run, contact, "people/c1", UnlinkReason.LeftScope, at),
            new ConflictRecorded(tenant, id, run, Guid.CreateVersion7(), contact, "jobTitle", JsonSerializer.SerializeToElement("CTO"),
                JsonSerializer.SerializeToElement("CEO"), at, at, ConflictPolicy.LastWriterWins, SyncSide.Provider, at),
            new SyncRunCompleted(tenant, id, run, RunCounts.Zero, [], at.AddSeconds(5)));
        row = await AssertStateAsync(scope, id, "idle");
        Assert.Equal([null, null, null], row[1..4]);
        Assert.Equal(at.AddSeconds(5), new DateTimeOffset((DateTime)row[4]!));
        Assert.Equal([null, 1, 1], row[5..8]);

        var failedRun = Guid.CreateVersion7();
        await AppendAsync(scope, StreamNames.ConnectionSync(id), new SyncRunStarted(tenant, id, failedRun, RunKind.Pull, at.AddMinutes(1)),
            new SyncRunFailed(tenant, id, failedRun, RunCounts.Zero, "Google answered 500 for too long.", at.AddMinutes(2)));
        row = await AssertStateAsync(scope, id, "idle");
        Assert.Equal(at.AddMinutes(2), new DateTimeOffset((DateTime)row[4]!));
        Assert.Equal("Google answered 500 for too long.", row[5]);
    }

    [Fact]
    public async Task Provider_requests_and_throttled_answers_of_finished_runs_add_up_on_the_connection()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        await scope.StartProjectorAsync();
        var id = Guid.CreateVersion7();
        var (first, second, open) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await AppendAsync(scope, StreamNames.Connection(id), Created(id), new ConnectionStarted(tenant, id, actor, at));
        await AppendAsync(scope, StreamNames.ConnectionSync(id), new SyncRunStarted(tenant, id, first, RunKind.FirstSync, at),
            new SyncRunCompleted(tenant, id, first, Requests(("people.batchCreate", 12), ("people.list", 3), ("throttled", 2)), [], at.AddSeconds(1)),
            new SyncRunStarted(tenant, id, second, RunKind.Pull, at.AddMinutes(1)),
            new SyncRunFailed(tenant, id, second, Requests(("people.list", 4), ("throttled", 5)), "Google answered 500 for too long.", at.AddMinutes(2)),
            new SyncRunStarted(tenant, id, open, RunKind.Pull, at.AddMinutes(3)));
        await AssertStateAsync(scope, id, "syncing");
        Assert.Equal([26L, 7L], await RequestsAsync(scope, id));

        // A run that counted nothing (as every run did before the worker counted requests) changes nothing.
        await AppendAsync(scope, StreamNames.ConnectionSync(id), new SyncRunCompleted(tenant, id, open, RunCounts.Zero, [], at.AddMinutes(4)));
        await AssertStateAsync(scope, id, "idle");
        Assert.Equal([26L, 7L], await RequestsAsync(scope, id));
    }

    private static RunCounts Requests(params (string Key, int Count)[] requests) =>
        RunCounts.Zero with { ProviderRequests = requests.ToDictionary(r => r.Key, r => r.Count) };

    private static async Task<object?[]> RequestsAsync(ProjectorScope scope, Guid id) =>
        Assert.Single(await scope.RowsAsync("SELECT provider_requests, throttled_requests FROM rm.connections WHERE connection_id = $1", id));

    [Fact]
    public async Task Request_columns_are_added_in_place_to_a_table_of_an_earlier_release_and_a_rebuild_fills_in_earlier_runs()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        var id = Guid.CreateVersion7();
        var (earlierRun, laterRun) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await AppendAsync(scope, StreamNames.Connection(id), Created(id), new ConnectionStarted(tenant, id, actor, at));
        await AppendAsync(scope, StreamNames.ConnectionSync(id), new SyncRunStarted(tenant, id, earlierRun, RunKind.FirstSync, at),
            new SyncRunCompleted(tenant, id, earlierRun, Requests(("create", 5), ("throttled", 2)), [], at.AddSeconds(1)));
        var earlier = await scope.StartProjectorAsync();
        await AssertStateAsync(scope, id, "idle");
        await earlier.StopAsync();
        // The table as the release before these columns made it (the view depends on them, so it goes too).
        await scope.ScalarAsync<int>("ALTER TABLE rm.connections_v1 DROP COLUMN provider_requests CASCADE; ALTER TABLE rm.connections_v1 DROP COLUMN throttled_requests CASCADE");

        await scope.StartProjectorAsync();
        await AppendAsync(scope, StreamNames.ConnectionSync(id), new SyncRunStarted(tenant, id, laterRun, RunKind.Pull, at.AddMinutes(1)),
            new SyncRunCompleted(tenant, id, laterRun, Requests(("changes", 2), ("throttled", 1)), [], at.AddMinutes(2)));
        await Eventually.HoldsAsync(async () => await scope.ScalarAsync<int>(
            "SELECT active_version FROM rm.projections WHERE name = 'connections' AND state = 'live'") == 2, "connections v2 is live");
        await AssertStateAsync(scope, id, "idle");
        Assert.Equal([10L, 3L], await RequestsAsync(scope, id));
    }

    [Fact]
    public async Task Control_plane_steps_and_settings_reach_the_row_with_the_stream_version()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        await scope.StartProjectorAsync();
        var id = Guid.CreateVersion7();
        var changed = ConnectionSettings.Default with { Direction = SyncDirection.FromProvider, PollSeconds = 300 };
        await AppendAsync(scope, StreamNames.Connection(id), Created(id), new ConnectionStarted(tenant, id, actor, at),
            new ConnectionPaused(tenant, id, PauseReason.User, null, actor, at),
            new ConnectionSettingsChanged(tenant, id, ConnectionSettings.Default, changed, actor, at),
            new ConnectionGroupBound(tenant, id, "contactGroups/9", "Customers", actor, at));
        var row = await AssertStateAsync(scope, id, "paused");
        Assert.Equal(["from-provider", 300, "contactGroups/9", "Customers"], row[8..12]);
        Assert.Equal(4L, row[14]);

        await AppendAsync(scope, StreamNames.Connection(id), new ConnectionResumed(tenant, id, actor, at),
            new ConnectionFailed(tenant, id, "The group was deleted at the provider.", actor, at));
        row = await AssertStateAsync(scope, id, "failed");
        Assert.Equal("The group was deleted at the provider.", row[13]);

        await AppendAsync(scope, StreamNames.Connection(id), new ConnectionReauthRequired(tenant, id, "expired", actor, at));
        await AssertStateAsync(scope, id, "needs-reauth");
        await AppendAsync(scope, StreamNames.Connection(id), new ConnectionDisconnected(tenant, id, actor, at));
        await AssertStateAsync(scope, id, "disconnected");
    }

    [Fact]
    public async Task The_accounts_grant_shows_on_every_connection_of_the_account_and_on_those_created_later()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        await scope.StartProjectorAsync();
        var (a, b, c, other) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var otherAccount = Guid.CreateVersion7();
        await AppendAsync(scope, StreamNames.Account(account), new AccountEvent.AccountConnected(tenant, account, user, "google", "ann@example.com",
            new SealedSecret("k1", "sealed"), actor, at));
        await AppendAsync(scope, StreamNames.Account(otherAccount), new AccountEvent.AccountConnected(tenant, otherAccount, user, "microsoft",
            "ann@example.org", new SealedSecret("k1", "sealed"), actor, at));
        await AppendAsync(scope, StreamNames.Connection(a), Created(a), new ConnectionStarted(tenant, a, actor, at));
        await AppendAsync(scope, StreamNames.Connection(b), Created(b));
        await AppendAsync(scope, StreamNames.Connection(other), Created(other) with { AccountId = otherAccount }, new ConnectionStarted(tenant, other, actor, at));

        await AppendAsync(scope, StreamNames.Account(account), new AccountEvent.AccountReauthRequired(tenant, account, "Google refused the grant.", actor, at));
        await AssertStateAsync(scope, a, "needs-reauth");
        Assert.Equal("Google refused the grant.", await scope.ScalarAsync<string>("SELECT account_message FROM rm.connections WHERE connection_id = $1", a));
        await AssertStateAsync(scope, b, "needs-reauth");
        await AssertStateAsync(scope, other, "starting");
        await AppendAsync(scope, StreamNames.Connection(c), Created(c));
        await AssertStateAsync(scope, c, "needs-reauth");

        await AppendAsync(scope, StreamNames.Account(account), new AccountEvent.AccountGrantRenewed(tenant, account, new SealedSecret("k2", "sealed"), actor, at));
        await AssertStateAsync(scope, a, "starting");
        await AssertStateAsync(scope, c, "ready");

        await AppendAsync(scope, StreamNames.Account(account), new AccountEvent.AccountDisconnected(tenant, account, actor, at));
        foreach (var id in new[] { a, b, c }) await AssertStateAsync(scope, id, "disconnected");
        await AssertStateAsync(scope, other, "starting");
    }

    [Fact]
    public async Task A_rebuild_gives_the_same_rows()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        var id = Guid.CreateVersion7();
        var run = Guid.CreateVersion7();
        await AppendAsync(scope, StreamNames.Account(account), new AccountEvent.AccountConnected(tenant, account, user, "google", "ann@example.com",
            new SealedSecret("k1", "sealed"), actor, at), new AccountEvent.AccountReauthRequired(tenant, account, "expired", actor, at));
        await AppendAsync(scope, StreamNames.Connection(id), Created(id), new ConnectionStarted(tenant, id, actor, at));
        await AppendAsync(scope, StreamNames.ConnectionSync(id), new SyncRunStarted(tenant, id, run, RunKind.FirstSync, at),
            new ContactLinked(tenant, id, run, Guid.CreateVersion7(), "people/c1", "e1", ContactFields.Empty, true, at));
        await scope.StartProjectorAsync();
        var before = await AssertStateAsync(scope, id, "needs-reauth");
        var checksum = await ProjectionRequests.ChecksumAsync(scope.DataSource, "connections");

        Assert.True(await ProjectionRequests.RequestRebuildAsync(scope.DataSource, "connections"));
        await Eventually.HoldsAsync(async () => await scope.ScalarAsync<int>(
            "SELECT active_version FROM rm.projections WHERE name = 'connections' AND state = 'live'") == 2, "connections v2 is live");
        Assert.Equal(checksum, await ProjectionRequests.ChecksumAsync(scope.DataSource, "connections"));
        Assert.Equal(before, await AssertStateAsync(scope, id, "needs-reauth"));
    }

    [Fact]
    public async Task Runs_and_conflicts_have_rows_of_their_own_with_reverts_and_resolutions_from_the_control_plane_and_a_rebuild_gives_the_same()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        await scope.StartProjectorAsync();
        var id = Guid.CreateVersion7();
        var (run, failed, open) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var (conflict, other) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var contact = Guid.CreateVersion7();
        var counts = new RunCounts(3, 1, 0, 2, 0, 1, 5, 2, 1, new Dictionary<string, int> { ["changes"] = 2, ["create"] = 1 });
        await AppendAsync(scope, StreamNames.Connection(id), Created(id), new ConnectionStarted(tenant, id, actor, at));
        await AppendAsync(scope, StreamNames.ConnectionSync(id), new SyncRunStarted(tenant, id, run, RunKind.FirstSync, at),
            new ConflictRecorded(tenant, id, run, conflict, contact, "jobTitle", JsonSerializer.SerializeToElement("CTO"),
                JsonSerializer.SerializeToElement("CEO"), at, at.AddSeconds(1), ConflictPolicy.LastWriterWins, SyncSide.Provider, at),
            new ConflictRecorded(tenant, id, run, other, contact, "company", JsonSerializer.SerializeToElement<string?>(null),
                JsonSerializer.SerializeToElement("Globex"), null, at, ConflictPolicy.CrmWins, SyncSide.Crm, at),
            new SyncRunCompleted(tenant, id, run, counts, ["The provider's contact limit was reached."], at.AddSeconds(5)),
            new SyncRunStarted(tenant, id, failed, RunKind.Pull, at.AddMinutes(1)),
            new SyncRunFailed(tenant, id, failed, RunCounts.Zero, "Google answered 500 for too long.", at.AddMinutes(2)),
            new SyncRunStarted(tenant, id, open, RunKind.SyncNow, at.AddMinutes(3)));
        await AppendAsync(scope, StreamNames.Connection(id),
            new ConnectionConflictResolved(tenant, id, conflict, contact, "jobTitle", SyncSide.Crm, actor, at.AddMinutes(4)),
            new ConnectionRunReverted(tenant, id, run, 3, 1, 0, actor, at.AddMinutes(5)));
        await AssertStateAsync(scope, id, "syncing");

        const string runs = """
            SELECT run_id, kind, state, created_in_crm, created_in_provider, deleted_in_provider, conflicts, errors, provider_requests->>'changes',
                   warnings->>0, error, ended_at IS NULL, reverted_by
              FROM rm.sync_runs WHERE connection_id = $1 ORDER BY started_at
            """;
        var rows = await scope.RowsAsync(runs, id);
        Assert.Equal(3, rows.Count);
        Assert.Equal([run, "first-sync", "reverted", 3, 2, 1, 2, 1, "2", "The provider's contact limit was reached.", null, false, actor.Id], rows[0]);
        Assert.Equal([failed, "pull", "failed"], rows[1][..3]);
        Assert.Equal("Google answered 500 for too long.", rows[1][10]);
        Assert.Equal([open, "sync-now", "running"], rows[2][..3]);
        Assert.Equal(true, rows[2][11]);

        const string conflicts = """
            SELECT conflict_id, field, crm_value::text, provider_value::text, policy, winner, resolved, resolution_side, resolved_by
              FROM rm.sync_conflicts WHERE connection_id = $1 ORDER BY field
            """;
        var found = await scope.RowsAsync(conflicts, id);
        Assert.Equal([other, "company", null, "\"Globex\"", "crm-wins", "crm", false, null, null], found[0]);
        Assert.Equal([conflict, "jobTitle", "\"CTO\"", "\"CEO\"", "last-writer-wins", "provider", true, "crm", actor.Id], found[1]);
        Assert.Equal(1, await scope.ScalarAsync<int>("SELECT open_conflicts FROM rm.connections WHERE connection_id = $1", id));

        var checksum = await ProjectionRequests.ChecksumAsync(scope.DataSource, "connections");
        Assert.True(await ProjectionRequests.RequestRebuildAsync(scope.DataSource, "connections"));
        await Eventually.HoldsAsync(async () => await scope.ScalarAsync<int>(
            "SELECT active_version FROM rm.projections WHERE name = 'connections' AND state = 'live'") == 2, "connections v2 is live");
        Assert.Equal(checksum, await ProjectionRequests.ChecksumAsync(scope.DataSource, "connections"));
        Assert.Equal(rows, await scope.RowsAsync(runs, id));
    }

    [Fact]
    public async Task The_run_and_conflict_tables_added_to_a_database_of_an_earlier_release_are_filled_by_a_rebuild()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        var id = Guid.CreateVersion7();
        var run = Guid.CreateVersion7();
        await AppendAsync(scope, StreamNames.Connection(id), Created(id), new ConnectionStarted(tenant, id, actor, at));
        await AppendAsync(scope, StreamNames.ConnectionSync(id), new SyncRunStarted(tenant, id, run, RunKind.FirstSync, at),
            new SyncRunCompleted(tenant, id, run, RunCounts.Zero, [], at.AddSeconds(1)));
        var earlier = await scope.StartProjectorAsync();
        await AssertStateAsync(scope, id, "idle");
        await earlier.StopAsync();
        // The database as the release before these tables left it.
        await scope.ScalarAsync<int>("DROP TABLE rm.sync_runs_v1 CASCADE; DROP TABLE rm.sync_conflicts_v1 CASCADE");

        await scope.StartProjectorAsync();
        await Eventually.HoldsAsync(async () => await scope.ScalarAsync<int>(
            "SELECT active_version FROM rm.projections WHERE name = 'connections' AND state = 'live'") == 2, "connections v2 is live");
        Assert.Equal("completed", await scope.ScalarAsync<string>("SELECT state FROM rm.sync_runs WHERE run_id = $1", run));
    }

    private ConnectionCreated Created(Guid id) => new(tenant, id, user, account, "google", ConnectionScope.Owned, null,
        new GroupRef(null, "ContactSync"), ConnectionSettings.Default, actor, at);

    private async Task AppendAsync(ProjectorScope scope, string stream, params object[] events)
    {
        var data = events.Select(e =>
        {
            var (type, json) = DomainJson.Serialize(e);
            return new EventData(Guid.CreateVersion7(), type, json);
        }).ToList();
        last = (await scope.Store.AppendToStreamAsync(stream, ExpectedRevision.Any, data)).LogPosition;
    }

    private async Task<object?[]> AssertStateAsync(ProjectorScope scope, Guid id, string state)
    {
        await scope.WaitForProjectionsAsync(last, "connections");
        var row = Assert.Single(await scope.RowsAsync(Columns, id));
        Assert.Equal(state, row[0]);
        return row;
    }
}
