using Microsoft.Graph.Models;

namespace ContactSync.Providers.Microsoft;

public sealed partial class MicrosoftContactProvider
{
    // The cursor is the Graph link to follow, tagged with whether it belongs to an initial (full) round.
    private const string FullPrefix = "full:", DeltaPrefix = "delta:";

    private static readonly string[] DeltaSelect =
        [.. GraphContactMapping.MappedProperties, "parentFolderId", "lastModifiedDateTime", "changeKey"];

    /// <summary>
    /// One page of the folder's delta. Initial rounds deliver full objects. In later rounds an updated item
    /// may carry only the changed properties (unconfirmed for Outlook), so changed contacts are read again
    /// in full (with their CRM id) before they are reported, and removed ids are looked up to tell a delete
    /// from a move to another folder.
    /// </summary>
    public async Task<ChangePage> GetChangesAsync(string groupId, string? cursor, CancellationToken ct)
    {
        var (full, link) = cursor switch
        {
            null => (true, null),
            _ when cursor.StartsWith(FullPrefix, StringComparison.Ordinal) => (true, cursor[FullPrefix.Length..]),
            _ when cursor.StartsWith(DeltaPrefix, StringComparison.Ordinal) => (false, cursor[DeltaPrefix.Length..]),
            _ => throw new CursorExpiredException("The change cursor is not an Outlook delta link; a full sync is needed."),
        };
        var prefer = $"odata.maxpagesize={_options.DeltaPageSize}";
        var delta = _client.Me.ContactFolders[groupId].Contacts.Delta;
        var page = await CallAsync(c => link is null
            ? delta.GetAsDeltaGetResponseAsync(r =>
            {
                r.QueryParameters.Select = DeltaSelect;
                r.Headers.Add("Prefer", prefer);
            }, c)
            : delta.WithUrl(link).GetAsDeltaGetResponseAsync(r => r.Headers.Add("Prefer", prefer), c), ct);

        // The same contact can appear more than once in a round: the last occurrence wins.
        var latest = new Dictionary<string, Contact>(StringComparer.Ordinal);
        foreach (var item in page?.Value ?? [])
            if (item.Id is { } id) latest[id] = item;

        var upserts = new List<ProviderContact>();
        var removals = new List<ProviderRemoval>();
        var lookups = latest.Values.Where(c => c.AdditionalData.ContainsKey("@removed")).Select(c => c.Id!).ToList();
        var changed = latest.Values.Where(c => !c.AdditionalData.ContainsKey("@removed")).ToList();
        if (full) upserts.AddRange(changed.Select(c => ToProviderContact(c, null)));
        else lookups.AddRange(changed.Select(c => c.Id!));
        if (lookups.Count > 0)
        {
            var current = await GetByIdsAsync(lookups, ct);
            foreach (var id in lookups)
            {
                if (!current.TryGetValue(id, out var now)) removals.Add(new ProviderRemoval(id, RemovalReason.Deleted));
                else if (now.ParentFolderId != groupId) removals.Add(new ProviderRemoval(id, RemovalReason.LeftGroup));
                else upserts.Add(ToProviderContact(now, null));
            }
        }

        var next = page?.OdataNextLink;
        var cursorOut = next is not null
            ? (full ? FullPrefix : DeltaPrefix) + next
            : DeltaPrefix + (page?.OdataDeltaLink ?? throw new InvalidDataException("A delta page carried neither a next nor a delta link."));
        return new ChangePage(upserts, removals, cursorOut, HasMore: next is not null, IsFullSync: full);
    }
}
