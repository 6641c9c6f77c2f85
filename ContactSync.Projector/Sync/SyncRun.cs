using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Sync;
using ContactSync.Domain.Validation;
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
/// the run carries out case by case.
/// </summary>
internal sealed class SyncRun
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

    private async Task ReconcileAsync(ContactLink link, Contact crm, ProviderContact u, List<(Guid, ContactFields, ProviderContactUpdate)> updates, CancellationToken ct)
    {
        var provider = Pair(u);
        var action = PairPlanner.OnProviderChange(link, crm, provider, _rules);
        if (action is PairAction.Skip) return;
        _touched.Add(crm.Id);
        await MergeAsync(link.Agreed, crm, provider, action, updates, ct);
    }

    private async Task LinkFirstTimeAsync(Contact crm, ProviderContact u, List<(Guid, ContactFields, ProviderContactUpdate)> updates, CancellationToken ct)
    {
        _touched.Add(crm.Id);
        await AppendAsync([new ContactLinked(_connection.TenantId, _connection.Id, _runId, crm.Id, u.Id, null, ContactFields.Empty, u.CrmId == crm.Id.ToString(), Now)], ct);
        _counts.Linked++;
        var provider = Pair(u);
        await MergeAsync(ContactFields.Empty, crm, provider, PairPlanner.OnProviderChange(null, crm, provider, _rules), updates, ct);
    }

    private static PairProvider Pair(ProviderContact u) => new(u.Id, u.ETag, u.Fields, u.UpdatedAt);

    /// <summary>Carries out a merge's action: the CRM's pull, decided again on the contact's own stream (the read model
    /// the run started from may not show an edit made moments ago, and a merge on that stale copy would silently
    /// overwrite it), then the conflicts, then the agreement or the push.</summary>
    private async Task MergeAsync(ContactFields agreed, Contact crm, PairProvider u, PairAction action, List<(Guid, ContactFields, ProviderContactUpdate)> updates,
        CancellationToken ct)
    {
        if (Pulled(action).Pull is not null)
        {
            var after = await _store.HandleContactAsync(crm.Id, c =>
            {
                action = PairPlanner.Merge(agreed, c, u, _rules);
                return c.Deleted || Pulled(action).Pull is not { } pull ? null : new ContactCommand.UpdateContact(c.Id, ContactPatch.SetAll(pull, c.Tags), _actor, Now);
            }, ct);
            if (Pulled(action).Pull is not null && !after.Deleted) _counts.UpdatedInCrm++;
            crm = after;
        }
        var conflicts = Pulled(action).Conflicts;
        if (conflicts.Count > 0)
        {
            await AppendAsync([.. conflicts.Select(f => new ConflictRecorded(_connection.TenantId, _connection.Id, _runId, Guid.CreateVersion7(), crm.Id,
                f.Field, f.CrmValue, f.ProviderValue, f.CrmChangedAt ?? crm.UpdatedAt, u.UpdatedAt, Settings.Conflicts, f.Winner, Now))], ct);
            _counts.Conflicts += conflicts.Count;
        }
        switch (action)
        {
            case PairAction.Push push:
                if (push.AgreedSoFar is { } soFar)
                    await AppendAsync([new LinkAgreed(_connection.TenantId, _connection.Id, _runId, crm.Id, u.Id, u.ETag, soFar, Now)], ct);
                updates.Add((crm.Id, push.Fields, new ProviderContactUpdate(u.Id, push.Fields, u.ETag, crm.Id.ToString())));
                break;
            case PairAction.Agree agree:
                await AppendAsync([new LinkAgreed(_connection.TenantId, _connection.Id, _runId, crm.Id, u.Id, u.ETag, agree.Fields, Now)], ct);
                break;
            default:
                throw new InvalidOperationException($"A merge never decides {action}.");
        }
    }

    private static (ContactFields? Pull, IReadOnlyList<FieldConflict> Conflicts) Pulled(PairAction action) => action switch
    {
        PairAction.Agree a => (a.Pull, a.Conflicts),
        PairAction.Push p => (p.Pull, p.Conflicts),
        _ => (null, []),
    };

    private const int ImportsPerBatch = 200;
    private const int ImportWriters = 8;

    /// <summary>
    /// Imports provider contacts into the CRM, owned by the connection's user with its visibility, in batches: the
    /// contacts' creates in parallel, then one append of their links. Each imported contact's id is derived from the
    /// connection and the provider id, so a run that died between a create and its link finds the contact created
    /// (the stream exists) and links it instead of importing a twin.
    /// </summary>
    private async Task ImportAsync(List<ProviderContact> imports, ListFilter? listFilter, CancellationToken ct)
    {
        var tags = listFilter?.Tags ?? [];
        var done = 0;
        foreach (var batch in imports.Chunk(ImportsPerBatch))
        {
            var linked = new SyncEvent?[batch.Length];
            await Parallel.ForEachAsync(Enumerable.Range(0, batch.Length), new ParallelOptions { MaxDegreeOfParallelism = ImportWriters, CancellationToken = ct },
                async (i, token) => linked[i] = await ImportOneAsync(batch[i], tags, listFilter, token));
            await AppendAsync([.. linked.OfType<SyncEvent>()], ct);
            done += batch.Length;
            await Progress("importing", done, imports.Count, ct);
        }
    }

    private async Task<SyncEvent?> ImportOneAsync(ProviderContact u, IReadOnlyList<string> tags, ListFilter? listFilter, CancellationToken ct)
    {
        var content = ContactValidation.Normalize(u.Fields);
        if (!content.IsValid)
        {
            lock (_counts) _counts.Errors++;
            lock (_warnings) _warnings.Add($"A provider contact could not be imported: {content.Errors}");
            return null;
        }
        var id = ImportedId(_connection.Id, u.Id);
        var would = Contact.Initial with { Id = id, Fields = content.Value, Tags = tags, OwnerId = _connection.UserId, Version = 0 };
        if (listFilter is not null && !listFilter.Matches(would))
        {
            lock (_counts) _counts.Skipped++;
            return null;
        }
        var created = await _store.CreateContactAsync(new ContactCommand.CreateContact(_connection.TenantId, id, content.Value, tags, _connection.UserId, [],
            Settings.Visibility, _actor, Now), ct);
        lock (_counts)
        {
            if (created) _counts.CreatedInCrm++;
            _counts.Linked++;
            _touched.Add(id);
        }
        return new ContactLinked(_connection.TenantId, _connection.Id, _runId, id, u.Id, u.ETag, content.Value, false, Now);
    }

    /// <summary>The CRM id of a contact imported by a connection: a name-based UUID (version 8) of the connection and the provider id.</summary>
    public static Guid ImportedId(Guid connectionId, string providerId)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{connectionId:N}/{providerId}"), hash);
        var bytes = hash[..16].ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);   // version 8 (RFC 9562)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);   // variant
        return new Guid(bytes, bigEndian: true);
    }

    private async Task PushUpdatesAsync(List<(Guid ContactId, ContactFields Merged, ProviderContactUpdate Update)> updates, CancellationToken ct)
    {
        foreach (var batch in updates.Chunk(_provider.Capabilities.MaxBatchUpdate))
        {
            var results = await _provider.UpdateAsync([.. batch.Select(b => b.Update)], ct);
            _counts.Request("update");
            var agreed = new List<SyncEvent>();
            for (var i = 0; i < batch.Length; i++)
            {
                if (results[i].Succeeded)
                {
                    agreed.Add(new LinkAgreed(_connection.TenantId, _connection.Id, _runId, batch[i].ContactId, batch[i].Update.Id, results[i].ETag, batch[i].Merged, Now));
                    _counts.UpdatedInProvider++;
                }
                else if (results[i].Error!.Kind != ProviderErrorKind.Conflict) _counts.Errors++;   // a stale etag is merged on the next pull
            }
            await AppendAsync(agreed, ct);
        }
    }

    /// <summary>Rule 11's diff: a linked contact the full listing lacks. The listing may lag the provider's writes (a
    /// contact created moments ago is not in it yet), so each one is read directly first: gone is a delete, out of the
    /// group is a removal from it, and still there is no change at all.</summary>
    private async Task<List<ProviderRemoval>> MissingFromListingAsync(List<ProviderContact> listed, CancellationToken ct)
    {
        var present = listed.Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        var missing = _state.ByProviderId.Keys.Where(id => !present.Contains(id)).ToList();
        var removals = new List<ProviderRemoval>();
        foreach (var chunk in missing.Chunk(_provider.Capabilities.MaxBatchUpdate))
        {
            var found = (await _provider.GetAsync(chunk, ct)).ToDictionary(c => c.Id, StringComparer.Ordinal);
            _counts.Request("get");
            foreach (var id in chunk)
            {
                if (!found.TryGetValue(id, out var contact)) removals.Add(new ProviderRemoval(id, RemovalReason.Deleted));
                else if (!contact.GroupIds.Contains(_groupId)) removals.Add(new ProviderRemoval(id, RemovalReason.LeftGroup));
            }
        }
        return removals;
    }

    private async Task ApplyRemovalsAsync(IReadOnlyList<(ContactLink Link, PairAction.Remove Action)> removals, CancellationToken ct)
    {
        foreach (var (link, remove) in removals)
        {
            if (remove.DeleteInCrm)
            {
                await _store.HandleContactAsync(link.ContactId, c => c.Exists && !c.Deleted ? new ContactCommand.DeleteContact(c.Id, _actor, Now) : null, ct);
                _counts.DeletedInCrm++;
            }
            _touched.Add(link.ContactId);
            await AppendAsync([new ContactUnlinked(_connection.TenantId, _connection.Id, _runId, link.ContactId, link.ProviderId, remove.Reason, Now)], ct);
        }
    }

    private async Task CreateAtProviderAsync(IReadOnlyDictionary<Guid, Contact> crm, SyncPlan plan, CancellationToken ct)
    {
        foreach (var cap in plan.Warnings.OfType<PlanWarning.CapReached>()) _warnings.Add($"{cap.Message} (rule 10)");
        var unlinked = plan.ToCreateInProvider.Where(id => !_state.Links.ContainsKey(id) && !_touched.Contains(id)).Select(id => crm[id]).ToList();
        if (unlinked.Count == 0) return;
        await ResolvePendingCreatesAsync(unlinked, ct);
        var done = 0;
        var unconfirmed = 0;
        foreach (var batch in unlinked.Chunk(_provider.Capabilities.MaxBatchCreate))
        {
            await AppendAsync([new ProviderCreatesIntended(_connection.TenantId, _connection.Id, _runId, [.. batch.Select(c => c.Id)], Now)], ct);
            var results = await _provider.CreateAsync(_groupId, [.. batch.Select(c => new NewProviderContact(c.Id.ToString(), c.Fields))], ct);
            _counts.Request("create");
            var linked = new List<SyncEvent>();
            for (var i = 0; i < batch.Length; i++)
            {
                if (results[i] is { Succeeded: true, Id: { } providerId })
                {
                    linked.Add(new ContactLinked(_connection.TenantId, _connection.Id, _runId, batch[i].Id, providerId, results[i].ETag, batch[i].Fields, true, Now));
                    _counts.CreatedInProvider++;
                    _counts.Linked++;
                }
                else if (results[i].Error?.Kind == ProviderErrorKind.LimitReached)
                {
                    _warnings.Add("The provider's contact limit was reached; the remaining contacts were not added (rule 10).");
                }
                else if (results[i].Error?.Kind == ProviderErrorKind.Unconfirmed) unconfirmed++;   // stays pending; looked up later
                else _counts.Errors++;
            }
            await AppendAsync(linked, ct);
            done += batch.Length;
            await Progress("pushing", done, unlinked.Count, ct);
        }
        if (unconfirmed > 0)
            _warnings.Add($"{unconfirmed} creates got no clear answer from the provider; they are looked up by CRM id once its listings have caught up (rule 8).");
    }

    /// <summary>
    /// Rule 8 with a lagging provider: a create announced earlier but never answered (a run that died, a lost or
    /// ambiguous answer) may exist at the provider without its listings showing it yet. Until the lag has passed it is
    /// neither sent again nor looked up; then it is looked up by its CRM id tag (all of them in one search) and linked
    /// if found, and sent again only if not. Takes the ones it handled out of <paramref name="unlinked"/>.
    /// </summary>
    private async Task ResolvePendingCreatesAsync(List<Contact> unlinked, CancellationToken ct)
    {
        var pending = unlinked.Where(c => _state.PendingCreates.ContainsKey(c.Id)).ToList();
        if (pending.Count == 0) return;
        var settled = pending.Where(c => Now - _state.PendingCreates[c.Id] >= _providerLag).ToList();
        unlinked.RemoveAll(c => _state.PendingCreates.TryGetValue(c.Id, out var at) && Now - at < _providerLag);
        if (settled.Count == 0) return;
        var found = await _provider.FindByCrmIdsAsync(_groupId, [.. settled.Select(c => c.Id.ToString())], ct);
        _counts.Request("find");
        var linked = new List<SyncEvent>();
        foreach (var c in settled)
        {
            if (!found.TryGetValue(c.Id.ToString(), out var contact)) continue;
            linked.Add(new ContactLinked(_connection.TenantId, _connection.Id, _runId, c.Id, contact.Id, contact.ETag, c.Fields, true, Now));
            _counts.Linked++;
            unlinked.Remove(c);
        }
        await AppendAsync(linked, ct);
    }

    /// <summary>CRM edits since the last agreement, for links the pull did not touch: only what the provider can hold
    /// and only when it differs (rule 4: a change that came from the provider is already agreed, so it never echoes).</summary>
    private async Task PushCrmChangesAsync(IReadOnlyDictionary<Guid, Contact> crm, CancellationToken ct)
    {
        var updates = new List<(Guid, ContactFields, ProviderContactUpdate)>();
        foreach (var link in _state.Links.Values)
        {
            if (_touched.Contains(link.ContactId) || !crm.TryGetValue(link.ContactId, out var c)) continue;
            if (PairPlanner.OnCrmEdit(link, c, _rules) is PairAction.Push push)
                updates.Add((c.Id, push.Fields, new ProviderContactUpdate(link.ProviderId, push.Fields, link.ProviderVersion, c.Id.ToString())));
        }
        await PushUpdatesAsync(updates, ct);
    }

    /// <summary>Rule 2: a linked contact that left the scope (or was deleted in the CRM) leaves the group; deleted at the
    /// provider if this sync created it, else only unlinked. Checked on the contact's own stream, never on a read model
    /// that may lag or be rebuilding.</summary>
    private async Task TakeOutOfScopeAsync(IReadOnlyDictionary<Guid, Contact> crm, ListFilter? listFilter, CancellationToken ct)
    {
        var candidates = _state.Links.Values.Where(l => !crm.ContainsKey(l.ContactId) && !_touched.Contains(l.ContactId) && (_only is null || _only.Contains(l.ContactId)));
        foreach (var link in candidates.ToList())
        {
            var contact = await _store.LoadContactAsync(link.ContactId, ct);
            if (PairPlanner.OnLeavingScope(link, contact, listFilter, _connection.UserId) is not PairAction.Leave leave) continue;   // the read model lagged
            var results = leave.DeleteAtProvider
                ? await _provider.DeleteAsync([link.ProviderId], ct)
                : await _provider.ModifyGroupMembersAsync(_groupId, [], [link.ProviderId], ct);
            _counts.Request(leave.DeleteAtProvider ? "delete" : "members");
            if (!results[0].Succeeded && results[0].Error?.Kind != ProviderErrorKind.NotFound)
            {
                _counts.Errors++;
                continue;
            }
            if (leave.DeleteAtProvider) _counts.DeletedInProvider++;
            await AppendAsync([new ContactUnlinked(_connection.TenantId, _connection.Id, _runId, link.ContactId, link.ProviderId, leave.Reason, Now)], ct);
        }
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
