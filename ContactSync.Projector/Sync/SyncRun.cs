using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Sync;
using ContactSync.Providers;
using static ContactSync.Domain.Sync.SyncEvent;

namespace ContactSync.Projector.Sync;

/// <summary>
/// One run of a connection, the same reconciliation every time (a first sync is a run without a cursor): read the
/// provider's changes from the stored cursor (all of the group when there is none or it expired: rule 11), record
/// them (rule 3), merge each linked pair three-way (rule 5), link or import the rest, apply deletes behind the
/// mass-delete guard (rule 7), then push the CRM side: create what is unlinked (tagged with its CRM id and
/// announced first, rule 8), update what changed (never an empty write, rule 4), take out what left the scope
/// (rule 2); save the cursor last. Every step is an event on the sync stream before or with its effect, so a run
/// killed anywhere resumes by running again. The run only reads, records, executes and completes: what to do with
/// unlinked contacts is <see cref="SyncPlanner"/>'s, and with linked pairs <see cref="PairPlanner"/>'s, pure functions
/// the run carries out case by case. This file holds the flow; <c>SyncRun.Pairs.cs</c> the linked pairs and
/// <c>SyncRun.Creates.cs</c> the imports and creates.
/// </summary>
internal sealed partial class SyncRun
{
    private const int ObservedPerAppend = 500;
    private readonly SyncStore _store;
    private readonly Connection _connection;
    private readonly IContactProvider _provider;
    private readonly TimeProvider _time;
    private readonly Actor _actor;
    private readonly Guid _runId = Guid.CreateVersion7();
    private readonly Counts _counts = new();
    private readonly List<string> _warnings = [];
    private readonly HashSet<Guid> _touched = [];
    private SyncState _state;
    private string _groupId = "";
    private readonly long _throttledAtStart;
    private IReadOnlySet<Guid>? _only;
    private RunKind? _kind;

    private readonly TimeSpan _providerLag;
    private readonly PairRules _rules;

    /// <param name="providerLag">How long the provider's listings and feeds may lag its writes (<see cref="SyncOptions.ProviderLag"/>).</param>
    public SyncRun(SyncStore store, Connection connection, SyncState state, IContactProvider provider, TimeProvider time, TimeSpan providerLag)
    {
        _providerLag = providerLag;
        _store = store;
        _connection = connection;
        _state = state;
        _provider = provider;
        _time = time;
        _throttledAtStart = provider.Traffic.Throttled;
        _rules = new PairRules(connection.Settings, provider.Capabilities.Retainable);
        _actor = Actor.ForConnection(connection.Id, $"{(connection.Provider == "microsoft" ? "Outlook" : "Google Contacts")} sync");
    }

    /// <summary>Started and not ended yet: a run that throws must still be ended (<see cref="FailAsync"/>).</summary>
    public bool IsOpen => _state.RunningRun == _runId;

    private ConnectionSettings Settings => _connection.Settings;
    private DateTimeOffset Now => _time.GetUtcNow();
    private Func<ContactFields, ContactFields> Retainable => _provider.Capabilities.Retainable;

    /// <param name="crm">The CRM contacts in scope, or, with <paramref name="only"/>, those of them in scope.</param>
    /// <param name="only">A partial run: the contacts that changed since the last run. Contacts the provider's changes
    /// concern are then read too (<paramref name="load"/>), and only these can be found out of scope.</param>
    public async Task<SyncState> RunAsync(RunKind requested, IReadOnlyDictionary<Guid, Contact> crm, ListFilter? listFilter, CancellationToken ct,
        IReadOnlySet<Guid>? only = null, Func<IReadOnlyCollection<Guid>, Task<Dictionary<Guid, Contact>>>? load = null)
    {
        _groupId = _connection.Group.Id ?? throw new InvalidOperationException("The group is bound before a run.");
        var kind = _state.FirstSyncDone ? requested : RunKind.FirstSync;
        var started = kind;
        var confirmed = _connection.DeletesConfirmedAt is { } v && v > _state.ConfirmedDeletesApplied ? v : (long?)null;
        // A run that never ended (its process was killed, or it could not record its end) is closed before the next one
        // starts, so no run reads as running forever.
        if (_state.RunningRun is { } interrupted)
            await AppendAsync([new SyncRunFailed(_connection.TenantId, _connection.Id, interrupted, RunCounts.Zero, SyncRunFailed.Interrupted, Now)], ct);
        await AppendAsync([new SyncRunStarted(_connection.TenantId, _connection.Id, _runId, kind, Now, confirmed)], ct);

        var (upserts, removals, cursor, full) = await ReadChangesAsync(kind == RunKind.FirstSync ? null : _state.Cursor, ct);
        if (full && kind != RunKind.FirstSync) kind = RunKind.Resync;
        _kind = kind == started ? null : kind;
        await RecordAsync(upserts, removals, ct);
        if (only is not null && load is not null) crm = await WithContactsOfAsync(crm, upserts, load);
        _only = only;

        await Progress("linking", 0, upserts.Count, ct);
        var updates = new List<(Guid ContactId, ContactFields Merged, ProviderContactUpdate Update)>();
        var unlinked = new Dictionary<string, ProviderContact>(StringComparer.Ordinal);
        foreach (var u in upserts)
        {
            if (!_state.ByProviderId.TryGetValue(u.Id, out var linkedId)) unlinked[u.Id] = u;
            else if (crm.TryGetValue(linkedId, out var c)) await ReconcileAsync(_state.Links[linkedId], c, u, updates, ct);
        }
        // The same planner as the preview decides what is linked, imported and created (rules 8, 10, matchBy).
        var plan = SyncPlanner.Plan(new PlannerInputs([.. crm.Values], [.. unlinked.Values.Select(u => new PlanProviderContact(u.Id, u.Fields, u.CrmId))],
            _state.Links, Settings, kind == RunKind.FirstSync, _provider.Capabilities.MaxContacts,
            full ? upserts.Count : _state.Links.Count + unlinked.Count, Retainable, []));
        foreach (var link in plan.ToLink) await LinkFirstTimeAsync(crm[link.ContactId], unlinked[link.ProviderId], updates, ct);
        await ImportAsync([.. plan.ToImport.Select(i => unlinked[i.Id])], listFilter, ct);
        await PushUpdatesAsync(updates, ct);

        var removed = removals.Where(r => _state.ByProviderId.ContainsKey(r.Id)).ToList();
        if (full) removed.AddRange(await MissingFromListingAsync(upserts, ct));
        var removalPlan = PairPlanner.OnRemovals([.. removed.DistinctBy(r => r.Id).Select(r => (_state.Links[_state.ByProviderId[r.Id]],
                r.Reason == RemovalReason.LeftGroup ? UnlinkReason.LeftGroup : UnlinkReason.ProviderDeleted))],
            _state.Links.Count, kind == RunKind.FirstSync, confirmed is not null, Settings);
        switch (removalPlan)
        {
            case RemovalPlan.Pause pause:
                await _store.HandleConnectionAsync(_connection.Id, new ConnectionCommand.PauseForMassDelete(pause.Removed, pause.Linked, _actor, Now), ct);
                _warnings.Add($"Paused: the provider would delete {pause.Removed} of {pause.Linked} linked contacts. Confirm the deletes or resume to keep the contacts.");
                return await CompleteAsync(cursor: null, ct);
            case RemovalPlan.Apply apply:
                await ApplyRemovalsAsync(apply.Removals, ct);
                break;
        }

        if (Settings.PushesToProvider)
        {
            await CreateAtProviderAsync(crm, plan, ct);
            await PushCrmChangesAsync(crm, ct);
            await TakeOutOfScopeAsync(crm, listFilter, ct);
        }
        return await CompleteAsync(cursor, ct);
    }

    private async Task<(List<ProviderContact> Upserts, List<ProviderRemoval> Removals, string Cursor, bool Full)> ReadChangesAsync(string? cursor, CancellationToken ct)
    {
        while (true)
        {
            var upserts = new Dictionary<string, ProviderContact>(StringComparer.Ordinal);
            var removals = new Dictionary<string, ProviderRemoval>(StringComparer.Ordinal);
            var page = cursor;
            try
            {
                while (true)
                {
                    var changes = await _provider.GetChangesAsync(_groupId, page, ct);
                    _counts.Request("changes");
                    foreach (var u in changes.Upserts) { upserts[u.Id] = u; removals.Remove(u.Id); }
                    foreach (var r in changes.Removals) { removals[r.Id] = r; upserts.Remove(r.Id); }
                    page = changes.Cursor;
                    if (!changes.HasMore)
                        return ([.. upserts.Values.OrderBy(u => u.Id, StringComparer.Ordinal)], [.. removals.Values], changes.Cursor, cursor is null || changes.IsFullSync);
                }
            }
            catch (CursorExpiredException) when (cursor is not null)
            {
                cursor = null;   // rule 11: list everything and diff against the links
            }
        }
    }

    /// <summary>A partial run's CRM side plus the contacts the provider's changes concern: the linked ones, and those a
    /// CRM id tag names (read only when in scope).</summary>
    private async Task<IReadOnlyDictionary<Guid, Contact>> WithContactsOfAsync(IReadOnlyDictionary<Guid, Contact> crm, List<ProviderContact> upserts,
        Func<IReadOnlyCollection<Guid>, Task<Dictionary<Guid, Contact>>> load)
    {
        var missing = upserts.Select(u => _state.ByProviderId.TryGetValue(u.Id, out var linked) ? linked : Guid.TryParse(u.CrmId, out var tagged) ? tagged : Guid.Empty)
            .Where(id => id != Guid.Empty && !crm.ContainsKey(id)).ToHashSet();
        if (missing.Count == 0) return crm;
        var more = await load(missing);
        foreach (var (id, c) in crm) more[id] = c;
        return more;
    }

    private async Task RecordAsync(List<ProviderContact> upserts, List<ProviderRemoval> removals, CancellationToken ct)
    {
        var observed = upserts.Select(u => (SyncEvent)new ProviderChangeObserved(_connection.TenantId, _connection.Id, _runId, u.Id, u.ETag, u.Fields, u.CrmId, false, u.UpdatedAt, Now))
            .Concat(removals.Select(r => new ProviderChangeObserved(_connection.TenantId, _connection.Id, _runId, r.Id, null, null, null, true, null, Now)));
        foreach (var chunk in observed.Chunk(ObservedPerAppend)) await AppendAsync(chunk, ct);
    }

    private async Task<SyncState> CompleteAsync(string? cursor, CancellationToken ct)
    {
        var events = new List<SyncEvent>();
        if (cursor is not null && cursor != _state.Cursor) events.Add(new CursorSaved(_connection.TenantId, _connection.Id, cursor, Now));
        events.Add(new SyncRunCompleted(_connection.TenantId, _connection.Id, _runId, Counted(), _warnings, Now, _kind));
        await AppendAsync(events, ct);
        return _state;
    }

    /// <summary>The run's counts, with the throttled answers its provider session got meanwhile (the session is the
    /// account's: a run beside another connection of the same account may count some of that one's too).</summary>
    private RunCounts Counted()
    {
        var counts = _counts.ToRunCounts();
        var throttled = _provider.Traffic.Throttled - _throttledAtStart;
        if (throttled <= 0) return counts;
        return counts with { ProviderRequests = new Dictionary<string, int>(counts.ProviderRequests) { ["throttled"] = (int)throttled } };
    }

    private Task Progress(string phase, int done, int total, CancellationToken ct) =>
        AppendAsync([new SyncRunProgressed(_connection.TenantId, _connection.Id, _runId, phase, done, total, Now)], ct);

    private async Task AppendAsync(IReadOnlyList<SyncEvent> events, CancellationToken ct) =>
        _state = await _store.AppendSyncAsync(_connection.Id, _state, events, ct);

    /// <summary>Fails the run with what it did so far; the caller decides whether the connection fails too.</summary>
    /// <param name="throttled">The provider asked to slow down: the run stops, the connection has not failed (rule 12).</param>
    public async Task<SyncState> FailAsync(string error, CancellationToken ct, bool throttled = false)
    {
        await AppendAsync([new SyncRunFailed(_connection.TenantId, _connection.Id, _runId, Counted(), error, Now, throttled)], ct);
        return _state;
    }

    private sealed class Counts
    {
        public int CreatedInCrm, UpdatedInCrm, DeletedInCrm, CreatedInProvider, UpdatedInProvider, DeletedInProvider, Linked, Conflicts, Errors, Skipped;
        private readonly Dictionary<string, int> _requests = [];

        public void Request(string endpoint) => _requests[endpoint] = _requests.GetValueOrDefault(endpoint) + 1;

        public RunCounts ToRunCounts() => new(CreatedInCrm, UpdatedInCrm, DeletedInCrm, CreatedInProvider, UpdatedInProvider, DeletedInProvider,
            Linked, Conflicts, Errors, new Dictionary<string, int>(_requests));
    }
}
