using ContactSync.Domain.Connections;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Sync;
using ContactSync.EventStore;
using ContactSync.Projector.Hosting;
using ContactSync.Providers;
using ContactSync.Providers.Accounts;

namespace ContactSync.Projector.Sync;

/// <summary>Opens the provider of an account (through its shared token source).</summary>
internal delegate Task<IContactProvider> OpenProvider(Guid tenantId, Guid accountId, CancellationToken ct);

/// <summary>
/// Keeps one connection in step while this instance holds its lock: a run on every wake (a CRM change in scope,
/// "sync now", a Microsoft notification) and on the poll interval. Throttling and outages slow it down and never
/// fail it (rule 12); a refused grant stops it in <c>needs-reauth</c> with the backlog kept (rule 11).
/// </summary>
internal sealed class ConnectionWorker(
    Guid connectionId, SyncStore store, CrmScope scope, OpenProvider open, NotificationClientState clientState, TimeProvider time, SyncOptions options,
    ILogger logger)
{
    private readonly NotificationUpkeep _notifications = new(connectionId, store, clientState, time, options, logger);
    private readonly object _gate = new();
    private TaskCompletionSource<RunKind> _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Position? _crmChangedAt;
    private HashSet<Guid>? _changedContacts;
    private bool _wholeScope = true;
    private SyncState _folded = SyncState.Initial;   // the sync stream as of the last pass (RetireAsync goes on from it)

    public Guid ConnectionId => connectionId;

    /// <summary>Asks for a run soon; several wakes before it starts are one run. A wake for a CRM change carries the
    /// change's log position, which the run's read of the CRM side waits for (the read model may not show it yet).</summary>
    /// <param name="contactId">The CRM contact that changed, when the wake is for one: a push run then reads only the
    /// contacts that changed since the last run; any other wake reads the whole scope.</param>
    public void Wake(RunKind kind, Position? crmChangedAt = null, Guid? contactId = null)
    {
        lock (_gate)
        {
            if (crmChangedAt is { } at && (_crmChangedAt is null || at > _crmChangedAt)) _crmChangedAt = at;
            if (contactId is { } id) (_changedContacts ??= []).Add(id);
            else _wholeScope = true;
            _wake.TrySetResult(kind);
        }
    }

    /// <summary>The contacts a push run reads, or null for the whole scope (a first sync, a poll, sync now, any wake
    /// that is not one contact's change, or a run before that failed).</summary>
    private HashSet<Guid>? TakeChangedContacts(RunKind kind, SyncState state)
    {
        lock (_gate)
        {
            var changed = _wholeScope || kind != RunKind.Push || !state.FirstSyncDone ? null : _changedContacts;
            _changedContacts = null;
            _wholeScope = false;
            return changed;
        }
    }

    private void WantWholeScope()
    {
        lock (_gate) _wholeScope = true;
    }

    private Position? TakeCrmChange()
    {
        lock (_gate)
        {
            var at = _crmChangedAt;
            _crmChangedAt = null;
            return at;
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var state = SyncState.Initial;
        var backoff = options.Backoff;
        var kind = RunKind.Pull;
        while (!ct.IsCancellationRequested)
        {
            using var activity = ProjectorTelemetry.ActivitySource.StartActivity("sync.run");
            activity?.SetTag("sync.connection_id", connectionId);
            activity?.SetTag("sync.run_kind", kind.ToString());
            var (outcome, next) = await PassAsync(kind, state, ct);
            state = next;
            _folded = state;
            TimeSpan wait;
            switch (outcome)
            {
                case RunOutcome.Completed(var poll):
                    backoff = options.Backoff;
                    wait = poll;
                    Log.SyncRunCompleted(logger, connectionId, kind);
                    break;
                case RunOutcome.Throttled(var retryAfter):
                    wait = Jitter(retryAfter > backoff ? retryAfter : backoff);
                    backoff = Next(backoff);
                    Log.SyncThrottled(logger, connectionId, wait);
                    break;
                case RunOutcome.Failed(var error):
                    activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, error.GetType().Name);
                    wait = Jitter(backoff);
                    backoff = Next(backoff);
                    Log.SyncRunFailed(logger, connectionId, wait, error);
                    break;
                case RunOutcome.LostStream:
                    // Someone else wrote the sync stream: this instance lost the connection. Fold again; the supervisor
                    // stops this worker if the lock is gone.
                    state = _folded = SyncState.Initial;
                    wait = Jitter(backoff);
                    break;
                default:   // Stopped: disconnected, paused, failed for good or waiting for a re-auth
                    return;
            }
            activity?.Stop();   // the wait for the next run is not part of this one
            kind = await WaitAsync(wait, ct);
        }
    }

    /// <summary>
    /// After the worker stopped for a connection that was disconnected: its change-notification subscription ends at the
    /// provider too, so the provider stops calling for it (otherwise it would until the subscription expired). Only
    /// while the account can still be opened: a disconnected account's grant is forgotten, and its subscriptions lapse.
    /// </summary>
    public async Task RetireAsync(CancellationToken ct)
    {
        var connection = await store.LoadConnectionAsync(connectionId, ct);
        if (connection.Status != ConnectionStatus.Disconnected) return;
        var state = await store.CatchUpAsync(connectionId, _folded, ct);   // only what was appended since the last pass
        if (state.Subscription is null) return;
        await _notifications.EndAsync(connection, await open(connection.TenantId, connection.AccountId, ct), state, ct);
    }

    /// <summary>
    /// What one pass of the worker came to. A pass never throws (except for the worker's own stop), and a run it
    /// started always ends, completed or failed, whatever was thrown in it.
    /// </summary>
    private abstract record RunOutcome
    {
        /// <summary>The run completed; the next poll is due after <paramref name="Poll"/>.</summary>
        public sealed record Completed(TimeSpan Poll) : RunOutcome;
        /// <summary>The provider asked to slow down (rule 12): never a failure of the connection.</summary>
        public sealed record Throttled(TimeSpan RetryAfter) : RunOutcome;
        /// <summary>Anything else went wrong; tried again after a backoff.</summary>
        public sealed record Failed(Exception Error) : RunOutcome;
        /// <summary>Another instance wrote the connection's sync stream.</summary>
        public sealed record LostStream : RunOutcome;
        /// <summary>The connection must not run on (recorded already where it had to be).</summary>
        public sealed record Stopped : RunOutcome;
    }

    private async Task<(RunOutcome Outcome, SyncState State)> PassAsync(RunKind kind, SyncState state, CancellationToken ct)
    {
        Connection? connection = null;
        SyncRun? run = null;
        HashSet<Guid>? only = null;
        try
        {
            connection = await store.LoadConnectionAsync(connectionId, ct);
            if (!connection.ShouldRun) return (new RunOutcome.Stopped(), state);
            state = await store.CatchUpAsync(connectionId, state, ct);
            var provider = await open(connection.TenantId, connection.AccountId, ct);
            connection = await BindGroupAsync(connection, provider, ct);
            state = await _notifications.KeepAsync(connection, provider, state, ct);
            ListFilter? filter = null;
            if (connection.Scope == ConnectionScope.List)
            {
                var list = await store.LoadListAsync(connection.ListId!.Value, ct);
                if (!list.Exists || list.Deleted)
                {
                    await store.HandleConnectionAsync(connectionId, new ConnectionCommand.FailConnection(
                        "The connection's list was deleted; disconnect it or create a new connection.", SyncActor(connection), time.GetUtcNow()), ct);
                    return (new RunOutcome.Stopped(), state);
                }
                filter = list.Filter;
            }
            if (TakeCrmChange() is { } changedAt) await scope.WaitForAsync(changedAt, ct);
            only = TakeChangedContacts(kind, state);
            var crm = await scope.LoadAsync(connection, ct, only);
            run = new SyncRun(store, connection, state, provider, time, options.ProviderLag);
            state = await run.RunAsync(kind, crm, filter, ct, only, ids => scope.LoadAsync(connection, ct, ids));
            return (new RunOutcome.Completed(PollInterval(connection)), state);
        }
        catch (Exception e)
        {
            if (only is not null) WantWholeScope();   // the changes of a failed partial run are picked up by reading everything
            // Not after losing the stream: that append would be refused too, and the new owner's next run closes it.
            if (run is { IsOpen: true } && e is not WrongExpectedVersionException) state = await EndRunAsync(run, e, state);
            switch (e)
            {
                case OperationCanceledException when ct.IsCancellationRequested:
                    throw;
                case ReauthRequiredException reauth:
                    // The supervisor may be stopping this worker for the same reason: record it anyway.
                    await store.HandleConnectionAsync(connectionId, new ConnectionCommand.RequireReauth(ReauthMessage(reauth.Message),
                        SyncActor(connection!), time.GetUtcNow()), CancellationToken.None);
                    return (new RunOutcome.Stopped(), state);
                case AccountUnavailableException:
                    return (new RunOutcome.Stopped(), state);   // disconnected: the supervisor stops the connection too
                case ProviderThrottledException throttled:
                    return (new RunOutcome.Throttled(throttled.RetryAfter), state);
                case WrongExpectedVersionException:
                    return (new RunOutcome.LostStream(), state);
                default:
                    return (new RunOutcome.Failed(e), state);
            }
        }
    }

    /// <summary>Ends a run that threw as failed, with what it did so far. Recorded even while the worker stops (for a
    /// short while); if even that cannot be written, the next run closes it as interrupted.</summary>
    private async Task<SyncState> EndRunAsync(SyncRun run, Exception e, SyncState state)
    {
        var reason = e switch
        {
            ProviderException or ReauthRequiredException => e.Message,
            OperationCanceledException => "The run was stopped with the service; the next run picks up where it left off.",
            _ => "The run stopped on an unexpected error; it is retried.",
        };
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            return await run.FailAsync(reason, grace.Token, throttled: e is ProviderThrottledException);
        }
        catch (Exception recording) when (recording is not OutOfMemoryException)
        {
            Log.RunEndNotRecorded(logger, connectionId, recording);
            return state;
        }
    }

    private async Task<Connection> BindGroupAsync(Connection connection, IContactProvider provider, CancellationToken ct)
    {
        if (connection.Group.Id is not null) return connection;
        var group = await provider.EnsureGroupAsync(connection.Group.Name, ct);
        return await store.HandleConnectionAsync(connectionId, new ConnectionCommand.BindGroup(group.Id, group.Name, SyncActor(connection), time.GetUtcNow()), ct);
    }

    private async Task<RunKind> WaitAsync(TimeSpan wait, CancellationToken ct)
    {
        Task<RunKind> woken;
        lock (_gate) woken = _wake.Task;
        var timer = Task.Delay(wait, time, ct);
        var first = await Task.WhenAny(woken, timer);
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_wake.Task.IsCompleted) _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        if (first != woken) return RunKind.Pull;
        if (options.Debounce > TimeSpan.Zero) await Task.Delay(options.Debounce, time, ct);
        return woken.Result;
    }

    public static string ReauthMessage(string reason) => $"The provider refused the account's grant ({reason}); connect the account again to resume.";

    private TimeSpan PollInterval(Connection c) => options.PollOverride ?? TimeSpan.FromSeconds(c.Settings.PollSeconds);

    private TimeSpan Next(TimeSpan backoff) => backoff * 2 > options.MaxBackoff ? options.MaxBackoff : backoff * 2;

    private static TimeSpan Jitter(TimeSpan wait) => wait * (0.8 + Random.Shared.NextDouble() * 0.4);

    private static Domain.Common.Actor SyncActor(Connection c) => Domain.Common.Actor.ForConnection(c.Id, "sync");
}
