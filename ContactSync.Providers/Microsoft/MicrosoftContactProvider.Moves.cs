using Microsoft.Graph.Models;

namespace ContactSync.Providers.Microsoft;

public sealed partial class MicrosoftContactProvider
{
    /// <summary>
    /// Graph v1.0 has no move for contacts, so a move is a copy into the target folder followed by a delete
    /// of the original: adding puts the contact into the group's folder, removing puts it back into the
    /// default Contacts folder. The copy gets a new id (the result's <see cref="WriteResult.Id"/>); it keeps
    /// every writable property and the CRM id property, so the link can be found again by CRM id. The photo
    /// and other apps' extended properties do not move along. If the delete of the original fails, the result
    /// carries the error together with the copy's id.
    /// </summary>
    public async Task<IReadOnlyList<WriteResult>> ModifyGroupMembersAsync(
        string groupId, IReadOnlyList<string> add, IReadOnlyList<string> remove, CancellationToken ct)
    {
        var current = await GetByIdsAsync([.. add, .. remove], ct);
        var moves = new List<(int Index, Contact Source, string? Target)>();
        var results = new WriteResult?[add.Count + remove.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var adding = i < add.Count;
            var id = adding ? add[i] : remove[i - add.Count];
            if (!current.TryGetValue(id, out var contact))
                results[i] = new WriteResult(id, null, null, new ProviderError(ProviderErrorKind.NotFound, "The Outlook contact does not exist.", 404));
            else if (adding == (contact.ParentFolderId == groupId))
                results[i] = Done(ToProviderContact(contact, null));
            else
                moves.Add((i, contact, adding ? groupId : null));
        }
        if (moves.Count == 0) return results.Select(r => r!).ToList();

        var copies = await _batch.SendAsync(moves.Select(m => new BatchItem(() =>
        {
            var copy = CopyOf(m.Source);
            return m.Target is null
                ? _client.Me.Contacts.ToPostRequestInformation(copy)
                : _client.Me.ContactFolders[m.Target].Contacts.ToPostRequestInformation(copy);
        }, async c => await FindCopyAsync(m.Source, m.Target, c) is { } found ? new BatchResult(201, [], null, found) : null)).ToList(), ct);

        var copied = new List<(int Index, string OriginalId, ProviderContact Copy)>();
        for (var k = 0; k < moves.Count; k++)
        {
            var crmId = CrmIdOf(moves[k].Source);
            var copy = copies[k].Reconciled ?? (copies[k].Succeeded && await copies[k].ReadContactAsync(ct) is { } c ? ToProviderContact(c, crmId) : null);
            if (copy is null) results[moves[k].Index] = new WriteResult(moves[k].Source.Id, null, null, ToError(copies[k]));
            else copied.Add((moves[k].Index, moves[k].Source.Id!, copy));
        }
        var deletes = await DeleteAsync(copied.Select(c => c.OriginalId).ToList(), ct);
        for (var k = 0; k < copied.Count; k++)
        {
            var (index, _, copy) = copied[k];
            results[index] = deletes[k].Succeeded ? Done(copy) : new WriteResult(copy.Id, copy.ETag, copy, deletes[k].Error);
        }
        return results.Select(r => r!).ToList();
    }

    private static WriteResult Done(ProviderContact c) => new(c.Id, c.ETag, c, null);

    private static string? CrmIdOf(Contact c) => c.SingleValueExtendedProperties?
        .FirstOrDefault(p => string.Equals(p.Id, CrmIdPropertyId, StringComparison.OrdinalIgnoreCase))?.Value;

    /// <summary>A copy that arrived although its answer was lost: found by CRM id in the target folder.
    /// Contacts without a CRM id cannot be found this way and may be copied twice in that rare case.</summary>
    private async Task<ProviderContact?> FindCopyAsync(Contact source, string? target, CancellationToken ct)
    {
        if (CrmIdOf(source) is not { } crmId) return null;
        var found = await FindTaggedAsync(target, crmId, ct);
        return found is not null && found.Id != source.Id ? found : null;
    }

    private static Contact CopyOf(Contact s) => new()
    {
        DisplayName = s.DisplayName, GivenName = s.GivenName, MiddleName = s.MiddleName, Surname = s.Surname, Title = s.Title,
        Generation = s.Generation, Initials = s.Initials, NickName = s.NickName, FileAs = s.FileAs,
        YomiGivenName = s.YomiGivenName, YomiSurname = s.YomiSurname, YomiCompanyName = s.YomiCompanyName,
        EmailAddresses = s.EmailAddresses, ImAddresses = s.ImAddresses, BusinessPhones = s.BusinessPhones, HomePhones = s.HomePhones,
        MobilePhone = s.MobilePhone, JobTitle = s.JobTitle, CompanyName = s.CompanyName, Department = s.Department,
        OfficeLocation = s.OfficeLocation, Profession = s.Profession, Manager = s.Manager, AssistantName = s.AssistantName,
        BusinessHomePage = s.BusinessHomePage, SpouseName = s.SpouseName, PersonalNotes = s.PersonalNotes, Children = s.Children,
        Categories = s.Categories, Birthday = s.Birthday,
        HomeAddress = s.HomeAddress, BusinessAddress = s.BusinessAddress, OtherAddress = s.OtherAddress,
        SingleValueExtendedProperties = CrmIdOf(s) is { } crmId
            ? [new SingleValueLegacyExtendedProperty { Id = CrmIdPropertyId, Value = crmId }]
            : null,
    };
}
