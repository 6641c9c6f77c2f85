using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Sync;
using ContactSync.Providers;
using static ContactSync.Domain.Sync.SyncEvent;

namespace ContactSync.Projector.Sync;

/// <summary>The linked pairs of a run: carrying out what <see cref="PairPlanner"/> decides for each, and the provider
/// writes that follow (updates, removals, rule 2).</summary>
internal sealed partial class SyncRun
{
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
}
