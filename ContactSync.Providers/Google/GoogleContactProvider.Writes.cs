using System.Net;
using ContactSync.Domain.Contacts;
using ContactSync.Providers.Google.Api;
using Google;

namespace ContactSync.Providers.Google;

public sealed partial class GoogleContactProvider
{
    private const int MaxWriteBatch = 200;
    private const int MaxDeleteBatch = 500;
    private const int MaxModify = 1000;

    public async Task<IReadOnlyList<WriteResult>> CreateAsync(string groupId, IReadOnlyList<NewProviderContact> contacts, CancellationToken ct)
    {
        var results = new WriteResult[contacts.Count];
        var membership = new Membership { ContactGroupMembership = new ContactGroupMembership { ContactGroupResourceName = GroupName(groupId) } };
        foreach (var chunk in Enumerable.Range(0, contacts.Count).Chunk(MaxWriteBatch))
            await CreateChunkAsync(contacts, chunk, membership, results, ct);
        return results;
    }

    private async Task CreateChunkAsync(IReadOnlyList<NewProviderContact> contacts, IReadOnlyList<int> chunk, Membership membership, WriteResult[] results, CancellationToken ct)
    {
        var pending = chunk.ToList();
        if (pending.Count == 0) return;
        try
        {
            var body = new BatchCreateContactsRequestBody
            {
                ReadMask = PersonMapping.ReadFields,
                Contacts = pending.Select(i => new ContactToCreate
                {
                    ContactPerson = PersonMapping.ToPerson(contacts[i].Fields, null, PersonMapping.WithCrmId(null, contacts[i].CrmId), [membership]),
                }).ToList(),
            };
            var created = (await Run(new BatchCreateContactsRequest(_service, body), ct)).CreatedPeople ?? [];
            var byCrmId = created.Select(r => r.Person).OfType<Person>().Where(p => PersonMapping.CrmId(p) is not null)
                .GroupBy(p => PersonMapping.CrmId(p)!).ToDictionary(g => g.Key, g => g.First());
            for (var k = 0; k < pending.Count; k++)
            {
                var person = byCrmId.GetValueOrDefault(contacts[pending[k]].CrmId) ?? (k < created.Count ? created[k].Person : null);
                results[pending[k]] = person is null
                    ? Failed(ProviderErrorKind.Other, "Google did not return the created contact.")
                    : Succeeded(person);
            }
            return;
        }
        catch (AmbiguousCreateException e)
        {
            // The batch may or may not have been applied. What a lookup finds is created; the rest is not sent
            // again now, because Google's listings lag its writes: the caller looks again after that lag.
            Log.RecoveringAmbiguousCreate(_oauth.Logger, e.Message, pending.Count);
            var found = await FindByCrmIdsAsync(pending.Select(i => contacts[i].CrmId).ToHashSet(StringComparer.Ordinal), ct);
            foreach (var i in pending)
                results[i] = found.TryGetValue(contacts[i].CrmId, out var person) ? Succeeded(person)
                    : Failed(ProviderErrorKind.Unconfirmed, $"The create's outcome is unknown ({e.Message}); it is looked up by CRM id later.");
            return;
        }
        catch (GoogleApiException e) when (Reason(e) == "MAX_CONTACTS_EXCEEDED" && pending.Count > 1)
        {
            // The whole batch does not fit under the account's limit, but part of it may (rule 10: add up to the limit):
            // halves find how many still fit, in a few more requests.
            var half = pending.Count / 2;
            await CreateChunkAsync(contacts, pending[..half], membership, results, ct);
            if (results[pending[half - 1]].Error?.Kind == ProviderErrorKind.LimitReached)
                foreach (var i in pending[half..]) results[i] = Failed(ProviderErrorKind.LimitReached, e.Error?.Message ?? "Contact limit reached.", 400);
            else await CreateChunkAsync(contacts, pending[half..], membership, results, ct);
            return;
        }
        catch (GoogleApiException e) when (Reason(e) == "MAX_CONTACTS_EXCEEDED")
        {
            foreach (var i in pending) results[i] = Failed(ProviderErrorKind.LimitReached, e.Error?.Message ?? "Contact limit reached.", 400);
            return;
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.BadRequest && pending.Count > 1)
        {
            // One invalid contact fails the whole batch; isolate it so the others still get created.
            Log.FallingBackToSingleWrites(_oauth.Logger, "create", e.Error?.Message ?? "400", pending.Count);
            foreach (var i in pending) await CreateChunkAsync(contacts, [i], membership, results, ct);
            return;
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.BadRequest)
        {
            results[pending[0]] = Failed(ProviderErrorKind.Invalid, e.Error?.Message ?? "Invalid contact.", 400);
            return;
        }
    }

    public async Task<IReadOnlyList<WriteResult>> UpdateAsync(IReadOnlyList<ProviderContactUpdate> updates, CancellationToken ct)
    {
        var results = new WriteResult[updates.Count];
        foreach (var chunk in Enumerable.Range(0, updates.Count).Chunk(MaxWriteBatch))
        {
            // Unconditional updates need the current etag, and a CRM id goes into clientData next to other apps' entries.
            var fetch = chunk.Where(i => updates[i].ETag is null || updates[i].CrmId is not null).Select(i => updates[i].Id).ToList();
            var current = fetch.Count > 0 ? await GetPeopleAsync(fetch, ct) : [];
            var items = new List<(int Index, Person Body, string Mask)>();
            foreach (var i in chunk)
            {
                var u = updates[i];
                var existing = current.GetValueOrDefault(u.Id);
                if ((u.ETag is null || u.CrmId is not null) && existing is null)
                {
                    results[i] = Failed(ProviderErrorKind.NotFound, "The contact no longer exists at Google.", 404);
                    continue;
                }
                var clientData = u.CrmId is null ? null : PersonMapping.WithCrmId(existing!.ClientData, u.CrmId);
                items.Add((i, PersonMapping.ToPerson(u.Fields, u.ETag ?? existing!.ETag, clientData),
                    u.CrmId is null ? PersonMapping.MappedFields : PersonMapping.MappedFields + ",clientData"));
            }
            // One update mask per batch call.
            foreach (var batch in items.GroupBy(x => x.Mask))
                await UpdateBatchAsync(updates, batch.ToList(), batch.Key, results, ct);
        }
        return results;
    }

    private async Task UpdateBatchAsync(IReadOnlyList<ProviderContactUpdate> updates, List<(int Index, Person Body, string Mask)> items, string mask, WriteResult[] results, CancellationToken ct)
    {
        if (items.Count == 0) return;
        try
        {
            var body = new BatchUpdateContactsRequestBody
            {
                UpdateMask = mask, ReadMask = PersonMapping.ReadFields,
                Contacts = items.ToDictionary(x => updates[x.Index].Id, x => x.Body),
            };
            var response = await Run(new BatchUpdateContactsRequest(_service, body), ct);
            foreach (var (index, _, _) in items)
                results[index] = response.UpdateResult is { } updated && updated.TryGetValue(updates[index].Id, out var r) && r.Person is { } person
                    ? Succeeded(person)
                    : Failed(ProviderErrorKind.Other, "Google did not return the updated contact.");
        }
        catch (GoogleApiException e) when (e.HttpStatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
        {
            // A stale etag, a deleted contact or an invalid value fails the whole batch: find out which, item by item.
            Log.FallingBackToSingleWrites(_oauth.Logger, "update", e.Error?.Message ?? e.HttpStatusCode.ToString(), items.Count);
            foreach (var (index, person, _) in items) results[index] = await UpdateOneAsync(updates[index], person, mask, ct);
        }
    }

    private async Task<WriteResult> UpdateOneAsync(ProviderContactUpdate update, Person body, string mask, CancellationToken ct)
    {
        try
        {
            return Succeeded(await Run(new UpdateContactRequest(_service, body, update.Id) { UpdatePersonFields = mask, PersonFields = PersonMapping.ReadFields }, ct));
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return Failed(ProviderErrorKind.NotFound, "The contact no longer exists at Google.", 404);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.BadRequest && Status(e) == "FAILED_PRECONDITION")
        {
            // A stale etag. If an earlier attempt whose answer was lost already wrote these values, it is not a conflict.
            if (!(await GetPeopleAsync([update.Id], ct)).TryGetValue(update.Id, out var current)) return Failed(ProviderErrorKind.NotFound, "The contact no longer exists at Google.", 404);
            var holds = PersonMapping.ToFields(current) with { PhotoUrl = null };
            return holds == GoogleCapabilities.Retainable(update.Fields) && (update.CrmId is null || PersonMapping.CrmId(current) == update.CrmId)
                ? Succeeded(current)
                : new WriteResult(update.Id, current.ETag, ToContact(current), new ProviderError(ProviderErrorKind.Conflict, e.Error?.Message ?? "Stale etag.", 400));
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.BadRequest)
        {
            return Failed(ProviderErrorKind.Invalid, e.Error?.Message ?? "Invalid contact.", 400);
        }
    }

    public async Task<IReadOnlyList<WriteResult>> DeleteAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        var results = new List<WriteResult>(ids.Count);
        foreach (var chunk in ids.Chunk(MaxDeleteBatch))
        {
            try
            {
                await Run(new BatchDeleteContactsRequest(_service, new BatchDeleteContactsRequestBody { ResourceNames = chunk.Distinct(StringComparer.Ordinal).ToList() }), ct);
            }
            catch (GoogleApiException e) when (e.HttpStatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest)
            {
                // Some are gone already, which fails the batch; deleting one by one treats them as done.
                Log.FallingBackToSingleWrites(_oauth.Logger, "delete", e.Error?.Message ?? e.HttpStatusCode.ToString(), chunk.Length);
                foreach (var id in chunk.Distinct(StringComparer.Ordinal))
                {
                    try
                    {
                        await Run(new DeleteContactRequest(_service, id), ct);
                    }
                    catch (GoogleApiException single) when (single.HttpStatusCode == HttpStatusCode.NotFound)
                    {
                        // Already deleted: the outcome the caller wants.
                    }
                }
            }
            results.AddRange(chunk.Select(id => new WriteResult(id, null, null, null)));
        }
        return results;
    }

    public async Task<IReadOnlyList<WriteResult>> ModifyGroupMembersAsync(string groupId, IReadOnlyList<string> add, IReadOnlyList<string> remove, CancellationToken ct)
    {
        var group = GroupName(groupId);
        var results = new List<WriteResult>(add.Count + remove.Count);
        foreach (var (ids, adding) in new[] { (add, true), (remove, false) })
        {
            foreach (var chunk in ids.Chunk(MaxModify))
            {
                var body = adding
                    ? new ModifyContactGroupMembersRequestBody { ResourceNamesToAdd = chunk }
                    : new ModifyContactGroupMembersRequestBody { ResourceNamesToRemove = chunk };
                var response = await Run(new ModifyContactGroupMembersRequest(_service, body, group), ct);
                var notFound = (response.NotFoundResourceNames ?? []).ToHashSet(StringComparer.Ordinal);
                var lastGroup = (response.CanNotRemoveLastContactGroupResourceNames ?? []).ToHashSet(StringComparer.Ordinal);
                results.AddRange(chunk.Select(id =>
                    adding && notFound.Contains(id) ? new WriteResult(id, null, null, new ProviderError(ProviderErrorKind.NotFound, "The contact no longer exists at Google.", 404))
                    : lastGroup.Contains(id) ? new WriteResult(id, null, null, new ProviderError(ProviderErrorKind.Conflict, "Google keeps a contact in at least one group.", 400))
                    // Removing a contact that is gone leaves it out of the group, which is what was asked.
                    : new WriteResult(id, null, null, null)));
            }
        }
        return results;
    }

    private static WriteResult Succeeded(Person person) => new(person.ResourceName, person.ETag, ToContact(person), null);

    private static WriteResult Failed(ProviderErrorKind kind, string message, int? status = null) =>
        new(null, null, null, new ProviderError(kind, message, status));
}
