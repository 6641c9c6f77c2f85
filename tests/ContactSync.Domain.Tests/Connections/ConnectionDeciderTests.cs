using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Sync;
using ContactSync.Domain.Tests.Support;
using static ContactSync.Domain.Connections.ConnectionCommand;
using static ContactSync.Domain.Connections.ConnectionEvent;

namespace ContactSync.Domain.Tests.Connections;

public sealed class ConnectionDeciderTests
{
    private readonly Guid tenant = Guid.CreateVersion7();
    private readonly Guid id = Guid.CreateVersion7();
    private readonly Guid user = Guid.CreateVersion7();
    private readonly Guid account = Guid.CreateVersion7();
    private readonly Guid list = Guid.CreateVersion7();
    private readonly Actor actor = Fakes.User();
    private readonly Actor worker = Actor.ForConnection(Guid.CreateVersion7(), "worker");
    private readonly DateTimeOffset at = Fakes.T0;

    private CreateConnection Create(ConnectionScope scope = ConnectionScope.List, Guid? listId = null, GroupRef? group = null,
        ConnectionSettings? settings = null) =>
        new(tenant, id, user, account, "google", scope, scope == ConnectionScope.List ? listId ?? list : listId,
            group ?? new GroupRef(null, "Customers"), settings ?? ConnectionSettings.Default, actor, at);

    private ConnectionCreated Created => new(tenant, id, user, account, "google", ConnectionScope.List, list, new GroupRef(null, "Customers"),
        ConnectionSettings.Default, actor, at);

    private ConnectionStarted Started => new(tenant, id, actor, at);

    private ConnectionPaused PausedByUser => new(tenant, id, PauseReason.User, null, actor, at);

    private ConnectionPaused PausedForMassDelete =>
        new(tenant, id, PauseReason.MassDelete, "A pull would delete 30 of 100 linked contacts; confirm the deletes or resume to keep them.", worker, at);

    private ConnectionDisconnected Disconnected => new(tenant, id, actor, at);

    [Fact]
    public void Creating_a_connection_records_its_binding_and_settings() =>
        Specs.Connection().When(Create()).Then(Created);

    [Fact]
    public void A_new_connection_is_ready_and_does_not_run_until_started()
    {
        var state = Connection.Fold([Created]);
        Assert.Equal(ConnectionStatus.Ready, state.Status);
        Assert.Equal("ready", state.DisplayState);
        Assert.False(state.ShouldRun);
        Assert.Equal(0, state.Version);
    }

    [Fact]
    public void Creating_a_connection_twice_is_refused() =>
        Specs.Connection().Given(Created).When(Create()).Throws("connection.already-exists");

    [Fact]
    public void A_list_connection_without_a_list_is_refused() =>
        Specs.Connection().When(Create() with { ListId = null }).Throws("connection.invalid");

    [Fact]
    public void An_owned_contacts_connection_with_a_list_is_refused() =>
        Specs.Connection().When(Create(ConnectionScope.Owned, listId: list)).Throws("connection.invalid");

    [Fact]
    public void A_connection_needs_a_group_id_or_a_group_name() =>
        Specs.Connection().When(Create(group: new GroupRef(null, " "))).Throws("connection.invalid");

    [Theory]
    [InlineData(14)]
    [InlineData(86_401)]
    public void A_poll_interval_out_of_range_is_refused(int seconds) =>
        Specs.Connection().When(Create(settings: ConnectionSettings.Default with { PollSeconds = seconds })).Throws("connection.invalid");

    [Fact]
    public void An_undefined_setting_value_is_refused() =>
        Specs.Connection().When(Create(settings: ConnectionSettings.Default with { Direction = (SyncDirection)42 })).Throws("connection.invalid");

    [Fact]
    public void A_command_on_a_missing_connection_is_refused() =>
        Specs.Connection().When(new StartConnection(actor, at)).Throws("connection.not-found");

    [Fact]
    public void Starting_a_ready_connection_makes_it_run() =>
        Specs.Connection().Given(Created).When(new StartConnection(actor, at)).Then(Started);

    [Fact]
    public void Starting_twice_is_refused() =>
        Specs.Connection().Given(Created, Started).When(new StartConnection(actor, at)).Throws("connection.already-started");

    [Fact]
    public void Sync_now_on_a_connection_not_started_is_refused() =>
        Specs.Connection().Given(Created).When(new RequestSync(actor, at)).Throws("connection.not-started");

    [Fact]
    public void Sync_now_on_a_started_connection_is_recorded_every_time() =>
        Specs.Connection().Given(Created, Started, new ConnectionSyncRequested(tenant, id, actor, at))
            .When(new RequestSync(actor, at)).Then(new ConnectionSyncRequested(tenant, id, actor, at));

    [Fact]
    public void Sync_now_on_a_paused_connection_is_refused() =>
        Specs.Connection().Given(Created, Started, PausedByUser).When(new RequestSync(actor, at)).Throws("connection.paused");

    [Fact]
    public void Sync_now_retries_a_failed_connection_and_clears_its_error()
    {
        var failed = new ConnectionFailed(tenant, id, "The group was deleted at the provider.", worker, at);
        Specs.Connection().Given(Created, Started, failed).When(new RequestSync(actor, at)).Then(new ConnectionSyncRequested(tenant, id, actor, at));
        var state = Connection.Fold([Created, Started, failed, new ConnectionSyncRequested(tenant, id, actor, at)]);
        Assert.Equal(ConnectionStatus.Active, state.Status);
        Assert.Null(state.LastError);
    }

    [Fact]
    public void Pausing_a_connection_not_started_is_refused() =>
        Specs.Connection().Given(Created).When(new PauseConnection(actor, at)).Throws("connection.not-started");

    [Fact]
    public void Pausing_a_running_connection_records_the_user_as_the_reason() =>
        Specs.Connection().Given(Created, Started).When(new PauseConnection(actor, at)).Then(PausedByUser);

    [Fact]
    public void Pausing_twice_is_refused() =>
        Specs.Connection().Given(Created, Started, PausedByUser).When(new PauseConnection(actor, at)).Throws("connection.already-paused");

    [Fact]
    public void Resuming_a_paused_connection_makes_it_run_again()
    {
        Specs.Connection().Given(Created, Started, PausedByUser).When(new ResumeConnection(actor, at)).Then(new ConnectionResumed(tenant, id, actor, at));
        Assert.True(Connection.Fold([Created, Started, PausedByUser, new ConnectionResumed(tenant, id, actor, at)]).ShouldRun);
    }

    [Fact]
    public void Resuming_a_connection_that_is_not_paused_is_refused() =>
        Specs.Connection().Given(Created, Started).When(new ResumeConnection(actor, at)).Throws("connection.not-paused");

    [Fact]
    public void Resuming_a_connection_not_started_is_refused() =>
        Specs.Connection().Given(Created).When(new ResumeConnection(actor, at)).Throws("connection.not-started");

    [Fact]
    public void A_pull_over_the_mass_delete_guard_pauses_the_connection_with_the_numbers() =>
        Specs.Connection().Given(Created, Started).When(new PauseForMassDelete(30, 100, worker, at)).Then(PausedForMassDelete);

    [Fact]
    public void The_mass_delete_guard_on_a_paused_connection_is_a_no_op() =>
        Specs.Connection().Given(Created, Started, PausedByUser).When(new PauseForMassDelete(30, 100, worker, at)).Then();

    [Fact]
    public void The_mass_delete_guard_on_a_connection_not_started_is_refused() =>
        Specs.Connection().Given(Created).When(new PauseForMassDelete(30, 100, worker, at)).Throws("connection.not-started");

    [Fact]
    public void Confirming_deletes_after_the_mass_delete_guard_makes_the_connection_run()
    {
        Specs.Connection().Given(Created, Started, PausedForMassDelete).When(new ConfirmDeletes(actor, at))
            .Then(new ConnectionDeletesConfirmed(tenant, id, actor, at));
        var state = Connection.Fold([Created, Started, PausedForMassDelete, new ConnectionDeletesConfirmed(tenant, id, actor, at)]);
        Assert.Equal(ConnectionStatus.Active, state.Status);
        Assert.Null(state.PausedFor);
    }

    [Fact]
    public void Confirming_deletes_of_a_connection_paused_by_its_user_is_refused() =>
        Specs.Connection().Given(Created, Started, PausedByUser).When(new ConfirmDeletes(actor, at)).Throws("connection.no-pending-deletes");

    [Fact]
    public void Confirming_deletes_of_a_running_connection_is_refused() =>
        Specs.Connection().Given(Created, Started).When(new ConfirmDeletes(actor, at)).Throws("connection.no-pending-deletes");

    [Fact]
    public void Confirming_deletes_of_a_connection_not_started_is_refused() =>
        Specs.Connection().Given(Created).When(new ConfirmDeletes(actor, at)).Throws("connection.not-started");

    [Fact]
    public void Resuming_after_the_mass_delete_guard_rejects_the_deletes() =>
        Specs.Connection().Given(Created, Started, PausedForMassDelete).When(new ResumeConnection(actor, at))
            .Then(new ConnectionResumed(tenant, id, actor, at));

    [Fact]
    public void Changing_settings_records_the_previous_ones()
    {
        var changed = ConnectionSettings.Default with { Direction = SyncDirection.ToProvider, Visibility = ContactVisibility.Company, PollSeconds = 15 };
        Specs.Connection().Given(Created, Started).When(new ChangeSettings(changed, actor, at))
            .Then(new ConnectionSettingsChanged(tenant, id, ConnectionSettings.Default, changed, actor, at));
    }

    [Fact]
    public void Changing_settings_to_the_same_settings_is_a_no_op() =>
        Specs.Connection().Given(Created).When(new ChangeSettings(ConnectionSettings.Default, actor, at)).Then();

    [Fact]
    public void Invalid_settings_are_refused() =>
        Specs.Connection().Given(Created).When(new ChangeSettings(ConnectionSettings.Default with { PollSeconds = 5 }, actor, at))
            .Throws("connection.invalid");

    [Fact]
    public void Disconnecting_stops_the_connection_for_good()
    {
        Specs.Connection().Given(Created, Started, PausedByUser).When(new DisconnectConnection(actor, at)).Then(Disconnected);
        var state = Connection.Fold([Created, Started, PausedByUser, Disconnected]);
        Assert.Equal("disconnected", state.DisplayState);
        Assert.False(state.ShouldRun);
    }

    [Fact]
    public void A_ready_connection_can_be_disconnected() =>
        Specs.Connection().Given(Created).When(new DisconnectConnection(actor, at)).Then(Disconnected);

    [Fact]
    public void Every_step_on_a_disconnected_connection_is_refused()
    {
        ConnectionCommand[] steps =
        [
            new StartConnection(actor, at), new RequestSync(actor, at), new PauseConnection(actor, at), new ResumeConnection(actor, at),
            new ConfirmDeletes(actor, at), new ChangeSettings(ConnectionSettings.Default with { PollSeconds = 90 }, actor, at),
            new DisconnectConnection(actor, at), new BindGroup("g1", "Customers", worker, at), new PauseForMassDelete(30, 100, worker, at),
            new RequireReauth("expired", worker, at), new ClearReauth(worker, at), new FailConnection("boom", worker, at),
        ];
        foreach (var step in steps) Specs.Connection().Given(Created, Started, Disconnected).When(step).Throws("connection.disconnected");
    }

    [Fact]
    public void The_worker_binds_the_group_it_created_for_a_new_connection() =>
        Specs.Connection().Given(Created, Started).When(new BindGroup("contactGroups/abc", "Customers", worker, at))
            .Then(new ConnectionGroupBound(tenant, id, "contactGroups/abc", "Customers", worker, at));

    [Fact]
    public void Binding_the_same_group_again_is_a_no_op() =>
        Specs.Connection().Given(Created, Started, new ConnectionGroupBound(tenant, id, "contactGroups/abc", "Customers", worker, at))
            .When(new BindGroup("contactGroups/abc", "Customers", worker, at)).Then();

    [Fact]
    public void A_bound_group_is_never_swapped_for_another() =>
        Specs.Connection().Given(Created, Started, new ConnectionGroupBound(tenant, id, "contactGroups/abc", "Customers", worker, at))
            .When(new BindGroup("contactGroups/other", "Customers", worker, at)).Throws("connection.group-already-bound");

    [Fact]
    public void A_refused_grant_puts_the_connection_in_needs_reauth_without_losing_its_state()
    {
        var reauth = new ConnectionReauthRequired(tenant, id, "Google refused the grant; connect the account again.", worker, at);
        Specs.Connection().Given(Created, Started).When(new RequireReauth(reauth.Message, worker, at)).Then(reauth);
        var state = Connection.Fold([Created, Started, reauth]);
        Assert.Equal("needs-reauth", state.DisplayState);
        Assert.Equal(ConnectionStatus.Active, state.Status);
        Assert.False(state.ShouldRun);
    }

    [Fact]
    public void The_same_reauth_report_twice_is_a_no_op() =>
        Specs.Connection().Given(Created, Started, new ConnectionReauthRequired(tenant, id, "expired", worker, at))
            .When(new RequireReauth("expired", worker, at)).Then();

    [Fact]
    public void Clearing_reauth_lets_the_connection_run_again()
    {
        var reauth = new ConnectionReauthRequired(tenant, id, "expired", worker, at);
        Specs.Connection().Given(Created, Started, reauth).When(new ClearReauth(worker, at)).Then(new ConnectionReauthCleared(tenant, id, worker, at));
        Assert.True(Connection.Fold([Created, Started, reauth, new ConnectionReauthCleared(tenant, id, worker, at)]).ShouldRun);
    }

    [Fact]
    public void Clearing_reauth_when_none_is_needed_is_a_no_op() =>
        Specs.Connection().Given(Created, Started).When(new ClearReauth(worker, at)).Then();

    [Fact]
    public void A_failure_only_a_user_can_fix_fails_the_connection()
    {
        var failed = new ConnectionFailed(tenant, id, "The group was deleted at the provider.", worker, at);
        Specs.Connection().Given(Created, Started).When(new FailConnection(failed.Error, worker, at)).Then(failed);
        var state = Connection.Fold([Created, Started, failed]);
        Assert.Equal("failed", state.DisplayState);
        Assert.False(state.ShouldRun);
    }

    [Fact]
    public void The_same_failure_twice_is_a_no_op() =>
        Specs.Connection().Given(Created, Started, new ConnectionFailed(tenant, id, "gone", worker, at))
            .When(new FailConnection("gone", worker, at)).Then();

    [Fact]
    public void A_failed_connection_is_already_started() =>
        Specs.Connection().Given(Created, Started, new ConnectionFailed(tenant, id, "gone", worker, at))
            .When(new StartConnection(actor, at)).Throws("connection.already-started");

    [Fact]
    public void A_running_connection_shows_idle_until_the_worker_reports_a_run() =>
        Assert.Equal("starting", Connection.Fold([Created, Started]).DisplayState);

    [Fact]
    public void Applying_a_side_of_a_conflict_is_recorded_once()
    {
        var conflict = Guid.CreateVersion7();
        var contact = Guid.CreateVersion7();
        var resolved = new ConnectionConflictResolved(tenant, id, conflict, contact, "jobTitle", SyncSide.Provider, actor, at);
        Specs.Connection().Given(Created, Started).When(new ResolveConflict(conflict, contact, "jobTitle", SyncSide.Provider, actor, at)).Then(resolved);
        Specs.Connection().Given(Created, Started, resolved).When(new ResolveConflict(conflict, contact, "jobTitle", SyncSide.Crm, actor, at))
            .Throws("connection.conflict-resolved");
    }

    [Fact]
    public void A_run_is_reverted_once()
    {
        var run = Guid.CreateVersion7();
        var reverted = new ConnectionRunReverted(tenant, id, run, 3, 1, 0, actor, at);
        Specs.Connection().Given(Created, Started).When(new RevertRun(run, 3, 1, 0, actor, at)).Then(reverted);
        Specs.Connection().Given(Created, Started, reverted).When(new RevertRun(run, 0, 0, 0, actor, at)).Throws("connection.run-reverted");
        Specs.Connection().Given(Created, Started, Disconnected).When(new RevertRun(Guid.CreateVersion7(), 0, 0, 0, actor, at)).Throws("connection.disconnected");
    }
}
