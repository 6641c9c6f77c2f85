using System.Threading.Channels;
using ContactSync.Domain.Accounts;
using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Serialization;
using ContactSync.Domain.Sync;
using ContactSync.EventStore;
using ContactSync.EventStore.Subscriptions;
using ContactSync.Providers.Accounts;
using Microsoft.Extensions.Options;

namespace ContactSync.Projector.Sync;

/// <summary>
/// Runs the sync workers of this Projector instance. It follows the log with ONE <c>$all</c> subscription: connection
/// and account events keep its map of connections (which should run, whose grant needs re-auth), and each CRM change
/// wakes only the workers of its tenant (a list change only the list's connections; a change a connection made
/// itself never wakes that connection); a provider's change notification (the connection's inbox) wakes its worker. Each connection it can lock gets a worker; one it no longer should run, or
/// whose lock it lost, is stopped.
/// </summary>
internal sealed class SyncSupervisor(
    IEventStore store, SyncLocks locks, SyncStore syncStore, CrmScope scope, OpenProvider open, NotificationClientState clientState, TimeProvider time,
    IOptions<SyncOptions> options, ILoggerFactory loggers) : BackgroundService
{
    private static readonly EventFilter Followed = EventFilter.StreamPrefix(
        StreamNames.ConnectionCategory + "-", StreamNames.AccountCategory + "-", StreamNames.ContactCategory + "-", StreamNames.ListCategory + "-",
        StreamNames.ConnectionInboxCategory + "-");
    private static readonly EventFilter ControlOnly = EventFilter.StreamPrefix(StreamNames.ConnectionCategory + "-", StreamNames.AccountCategory + "-");

    private static readonly TimeSpan RetireTimeout = TimeSpan.FromSeconds(10);
    private readonly ILogger _logger = loggers.CreateLogger<SyncSupervisor>();
    private readonly Dictionary<Guid, Connection> _connections = [];
    private readonly Dictionary<Guid, (bool NeedsReauth, bool Disconnected)> _accounts = [];
    private readonly Dictionary<Guid, Running> _running = [];

    private sealed record Running(ConnectionWorker Worker, Task Task, CancellationTokenSource Stop, Connection Connection);

    /// <summary>Connections whose worker runs here (ops and tests).</summary>
    public IReadOnlyCollection<Guid> Owned { get; private set; } = [];

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await SuperviseAsync(ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                Log.SupervisorFailed(_logger, e);
                await StopAllAsync();
                await Task.Delay(options.Value.ScanInterval, time, ct);
            }
        }
        await StopAllAsync();
    }

    private async Task SuperviseAsync(CancellationToken ct)
    {
        _connections.Clear();
        _accounts.Clear();
        // The control plane from the start (small: connection and account streams only), then one subscription
        // from the head for everything the workers react to.
        var head = await store.GetHeadPositionAsync(ct);
        var position = Position.Start;
        while (true)
        {
            var page = await store.ReadAllAsync(Direction.Forwards, position, 1_000, ControlOnly, ct);
            foreach (var e in page.Where(e => e.Position <= head)) Apply(e);
            if (page.Count < 1_000 || page[^1].Position >= head) break;
            position = page[^1].Position;
        }

        var inbox = Channel.CreateUnbounded<RecordedEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var follow = FollowAsync(head, inbox.Writer, stop.Token);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (follow.IsCompleted) await follow;   // surfaces the subscription's failure
                await ReconcileAsync(ct);
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(ct);
                tick.CancelAfter(options.Value.ScanInterval);
                try
                {
                    while (await inbox.Reader.WaitToReadAsync(tick.Token))
                        while (inbox.Reader.TryRead(out var e)) Route(e);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // the scan interval passed
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            try { await follow; } catch (OperationCanceledException) { }
        }
    }

    private async Task FollowAsync(Position head, ChannelWriter<RecordedEvent> inbox, CancellationToken ct)
    {
        await foreach (var message in store.SubscribeToAll(FromAll.AfterPosition(head), Followed, ct))
            if (message is SubscriptionMessage.Event e) await inbox.WriteAsync(e.Record, ct);
    }

    /// <summary>Folds a control-plane event into the map; returns the domain event for routing.</summary>
    private object? Apply(RecordedEvent recorded)
    {
        var e = DomainJson.Deserialize(recorded.Type, recorded.Data.Span);
        switch (e)
        {
            case ConnectionEvent c:
                _connections[c.ConnectionId] = Connection.Evolve(_connections.GetValueOrDefault(c.ConnectionId, Connection.Initial), c);
                break;
            case AccountEvent.AccountConnected a:
                _accounts[a.AccountId] = (false, false);
                break;
            case AccountEvent.AccountGrantRenewed a:
                _accounts[a.AccountId] = (false, false);
                break;
            case AccountEvent.AccountReauthRequired a:
                _accounts[a.AccountId] = (true, false);
                break;
            case AccountEvent.AccountDisconnected a:
                _accounts[a.AccountId] = (false, true);
                break;
        }
        return e;
    }

    private void Route(RecordedEvent recorded)
    {
        switch (Apply(recorded))
        {
            case ConnectionEvent.ConnectionSyncRequested s:
                Wake(s.ConnectionId, RunKind.SyncNow);
                break;
            case ConnectionEvent c:
                Wake(c.ConnectionId, RunKind.Pull);
                break;
            case SyncEvent.ProviderChangesNotified n:
                Wake(n.ConnectionId, RunKind.Notified);
                break;
            case AccountEvent.AccountGrantRenewed a:
                _ = ClearReauthAsync(a.AccountId);
                break;
            case AccountEvent.AccountReauthRequired a:
                _ = RequireReauthAsync(a.AccountId, a.Message);
                break;
            case ContactEvent c:
                foreach (var r in _running.Values)
                    if (r.Connection.TenantId == c.TenantId && !(c.Actor.Kind == ActorKind.Connection && c.Actor.Id == r.Connection.Id.ToString()))
                        r.Worker.Wake(RunKind.Push, recorded.Position, c.ContactId);
                break;
            case ListEvent l:
                foreach (var r in _running.Values.Where(r => r.Connection.ListId == l.ListId)) r.Worker.Wake(RunKind.Push, recorded.Position);
                break;
        }
    }

    /// <summary>A renewed grant clears <c>needs-reauth</c> on the account's connections, so their backlog syncs.</summary>
    private async Task ClearReauthAsync(Guid accountId)
    {
        foreach (var c in _connections.Values.Where(c => c.AccountId == accountId && c.NeedsReauth).ToList())
            await syncStore.HandleConnectionAsync(c.Id, new ConnectionCommand.ClearReauth(Actor.ForSystem("sync"), time.GetUtcNow()), CancellationToken.None);
    }

    /// <summary>A refused grant (seen by any caller of the account) puts the account's connections in <c>needs-reauth</c>,
    /// whether or not their worker was the one that met it: the worker stops, and the user sees why (rule 11).</summary>
    private async Task RequireReauthAsync(Guid accountId, string reason)
    {
        foreach (var c in _connections.Values.Where(c => c.AccountId == accountId && !c.NeedsReauth && c.Status != ConnectionStatus.Disconnected).ToList())
        {
            try
            {
                await syncStore.HandleConnectionAsync(c.Id, new ConnectionCommand.RequireReauth(ConnectionWorker.ReauthMessage(reason), Actor.ForSystem("sync"),
                    time.GetUtcNow()), CancellationToken.None);
            }
            catch (DomainRuleViolation)
            {
                // disconnected meanwhile
            }
        }
    }

    private void Wake(Guid connectionId, RunKind kind)
    {
        if (_running.TryGetValue(connectionId, out var r)) r.Worker.Wake(kind);
    }

    private bool ShouldRun(Connection c) =>
        c.ShouldRun && !(_accounts.TryGetValue(c.AccountId, out var a) && (a.NeedsReauth || a.Disconnected));

    private async Task ReconcileAsync(CancellationToken ct)
    {
        if (!await locks.CheckAsync(ct))
        {
            Log.LocksLost(_logger);
            await StopAllAsync(release: false);
        }
        foreach (var (id, running) in _running.ToList())
        {
            var connection = _connections.GetValueOrDefault(id);
            if (running.Task.IsCompleted || connection is null || !ShouldRun(connection)) await StopAsync(id, running);
            else _running[id] = running with { Connection = connection };
        }
        foreach (var connection in _connections.Values.Where(c => ShouldRun(c) && !_running.ContainsKey(c.Id)).ToList())
        {
            if (!await locks.TryAcquireAsync(connection.Id, ct)) continue;
            var worker = new ConnectionWorker(connection.Id, syncStore, scope, open, clientState, time, options.Value, loggers.CreateLogger<ConnectionWorker>());
            var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _running[connection.Id] = new Running(worker, Task.Run(() => worker.RunAsync(cts.Token), CancellationToken.None), cts, connection);
            Log.WorkerStarted(_logger, connection.Id);
        }
        Owned = [.. _running.Keys];
    }

    private async Task StopAsync(Guid id, Running running, bool release = true)
    {
        await running.Stop.CancelAsync();
        try
        {
            await running.Task;
        }
        catch (OperationCanceledException)
        {
            // stopped on purpose
        }
        catch (Exception e)
        {
            Log.WorkerFaulted(_logger, id, e);
        }
        running.Stop.Dispose();
        if (release && _connections.GetValueOrDefault(id) is { Status: ConnectionStatus.Disconnected })
        {
            // Still under the connection's lock (not when the locks were lost), so the sync stream's fence holds.
            try
            {
                using var retire = new CancellationTokenSource(RetireTimeout);
                await running.Worker.RetireAsync(retire.Token);
            }
            catch (Exception e)
            {
                Log.WorkerNotRetired(_logger, id, e);
            }
        }
        _running.Remove(id);
        if (release) await locks.ReleaseAsync(id, CancellationToken.None);
        Log.WorkerStopped(_logger, id);
    }

    private async Task StopAllAsync(bool release = true)
    {
        foreach (var (id, running) in _running.ToList()) await StopAsync(id, running, release);
        Owned = [];
    }
}
