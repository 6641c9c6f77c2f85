using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Sync;
using ContactSync.Domain.Validation;
using ContactSync.Providers;
using static ContactSync.Domain.Sync.SyncEvent;

namespace ContactSync.Projector.Sync;

/// <summary>The unlinked contacts of a run: imports into the CRM and creates at the provider (rules 8 and 10).</summary>
internal sealed partial class SyncRun
{
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
}
