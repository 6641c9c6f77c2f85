using ContactSync.Domain.Contacts;
using Microsoft.Graph.Models;
using Contact = Microsoft.Graph.Models.Contact;
using Microsoft.Kiota.Abstractions;

namespace ContactSync.Providers.Microsoft;

public sealed partial class MicrosoftContactProvider
{
    public async Task<IReadOnlyList<WriteResult>> CreateAsync(string groupId, IReadOnlyList<NewProviderContact> contacts, CancellationToken ct)
    {
        var results = await _batch.SendAsync(contacts.Select(n => new BatchItem(
            () => _client.Me.ContactFolders[groupId].Contacts.ToPostRequestInformation(Tagged(GraphContactMapping.ToGraph(n.Fields), n.CrmId)),
            // A create that failed in transit or with 5xx may still have happened: look for its CRM id first.
            async c => await FindByCrmIdAsync(groupId, n.CrmId, c) is { } found ? new BatchResult(201, [], null, found) : null)).ToList(), ct);
        return await ToWriteResultsAsync(results, contacts.Select(c => (string?)c.CrmId).ToList(), null, ct);
    }

    public async Task<IReadOnlyList<WriteResult>> UpdateAsync(IReadOnlyList<ProviderContactUpdate> updates, CancellationToken ct)
    {
        var results = await _batch.SendAsync(updates.Select(u => new BatchItem(() =>
        {
            var body = GraphContactMapping.ToGraph(u.Fields);
            if (u.CrmId is not null) Tagged(body, u.CrmId);
            return _client.Me.Contacts[u.Id].ToPatchRequestInformation(body, r =>
            {
                if (u.ETag is not null) r.Headers.Add("If-Match", u.ETag);
            });
        })).ToList(), ct);
        return await ToWriteResultsAsync(results, updates.Select(u => u.CrmId).ToList(), updates.Select(u => u.Id).ToList(), ct);
    }

    public async Task<IReadOnlyList<WriteResult>> DeleteAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        var results = await _batch.SendAsync(ids.Select(id => new BatchItem(() => _client.Me.Contacts[id].ToDeleteRequestInformation())).ToList(), ct);
        return ids.Select((id, i) => results[i].Succeeded || results[i].Status == 404
            ? new WriteResult(id, null, null, null)
            : new WriteResult(id, null, null, ToError(results[i]))).ToList();
    }

    private static Contact Tagged(Contact contact, string crmId)
    {
        contact.SingleValueExtendedProperties = [new SingleValueLegacyExtendedProperty { Id = CrmIdPropertyId, Value = crmId }];
        return contact;
    }

    private async Task<List<WriteResult>> ToWriteResultsAsync(
        BatchResult[] results, IReadOnlyList<string?> crmIds, IReadOnlyList<string>? ids, CancellationToken ct)
    {
        var list = new List<WriteResult>(results.Length);
        for (var i = 0; i < results.Length; i++)
        {
            var r = results[i];
            if (r.Reconciled is { } found) list.Add(new WriteResult(found.Id, found.ETag, found, null));
            else if (r.Succeeded && await r.ReadContactAsync(ct) is { } contact)
            {
                var provider = ToProviderContact(contact, crmIds[i]);
                list.Add(new WriteResult(provider.Id, provider.ETag, provider, null));
            }
            else list.Add(new WriteResult(ids?[i], null, null, ToError(r)));
        }
        return list;
    }

    private static ProviderError ToError(BatchResult r)
    {
        var (code, message) = r.ReadError();
        if (ReferenceEquals(r, BatchResult.Unconfirmed))
            return new ProviderError(ProviderErrorKind.Unconfirmed, "The create's outcome is unknown; it is looked up by CRM id later.");
        var kind = r.Status switch
        {
            404 => ProviderErrorKind.NotFound,
            409 or 412 => ProviderErrorKind.Conflict,
            400 when message?.Contains("exceeds the max allowed", StringComparison.Ordinal) == true => ProviderErrorKind.LimitReached,
            400 => ProviderErrorKind.Invalid,
            429 => ProviderErrorKind.Throttled,
            401 or 403 => ProviderErrorKind.Unauthorized,
            >= 500 => ProviderErrorKind.Transient,
            _ => ProviderErrorKind.Other,
        };
        return new ProviderError(kind, $"{code}: {message ?? "no answer"}", r.Status);
    }
}
