using System.Text.Json.Serialization;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;

namespace ContactSync.Domain.Sync;

/// <summary>A provider contact as the planner sees it: its id, its content mapped to CRM fields, its CRM id tag.</summary>
public sealed record PlanProviderContact(string Id, ContactFields Fields, string? CrmId);

/// <summary>
/// What the planner is given: the CRM contacts in the connection's scope (already limited to what its user may see),
/// the provider group's contacts, the links that exist, the settings, what the provider can hold, and, for rule 15's
/// warnings, the tenant's contacts that other users own.
/// </summary>
/// <param name="FirstSync">E-mail matching links only on a first sync (later, an unlinked provider contact is new).</param>
/// <param name="ProviderTotal">How many contacts the account holds already (at least the group's), for the cap.</param>
public sealed record PlannerInputs(
    IReadOnlyList<Contact> InScope,
    IReadOnlyList<PlanProviderContact> Provider,
    IReadOnlyDictionary<Guid, ContactLink> Links,
    ConnectionSettings Settings,
    bool FirstSync,
    int? MaxContacts,
    int ProviderTotal,
    Func<ContactFields, ContactFields> Retainable,
    IReadOnlyList<Contact> OthersContacts);

public enum LinkReason
{
    [JsonStringEnumMemberName("crm-id-tag")] CrmIdTag,
    [JsonStringEnumMemberName("email")] Email,
}

public sealed record PlannedLink(Guid ContactId, string ProviderId, LinkReason Reason);

/// <summary>A link whose CRM contact left the scope: deleted at the provider when the sync created it, else only taken out of the group (rule 2).</summary>
public sealed record PlannedRemoval(Guid ContactId, string ProviderId, bool Delete);

/// <summary>A provider contact to import that resembles a contact another user owns (rule 15: shown, never merged).</summary>
public sealed record LikelyDuplicate(string ProviderId, Guid ContactId, Guid OwnerId, DuplicateReason Reason);

public abstract record PlanWarning(string Code, string Message)
{
    /// <summary>Rule 10: the provider's cap leaves room for only some of the contacts to create.</summary>
    public sealed record CapReached(int Max, int NotFitting) : PlanWarning("provider-cap",
        $"The provider holds at most {Max:N0} contacts: {NotFitting:N0} contacts would not be added.");

    /// <summary>Rule 6: values the provider cannot hold stay in the CRM only.</summary>
    public sealed record ValuesNotHeld(int Contacts, IReadOnlyList<string> Fields) : PlanWarning("values-not-held",
        $"{Contacts:N0} contacts have values the provider cannot hold ({string.Join(", ", Fields)}); they stay in the CRM and are never cleared there.");

    /// <summary>Rule 15.</summary>
    public sealed record LikelyDuplicates(int Count, IReadOnlyList<LikelyDuplicate> Samples) : PlanWarning("likely-duplicates",
        $"{Count:N0} contacts to import resemble a contact another user owns; each user keeps their own, and the duplicates are shown.");
}

/// <summary>What a sync would do; every list in a stable order.</summary>
public sealed record SyncPlan(
    IReadOnlyList<Guid> ToCreateInProvider,
    IReadOnlyList<PlanProviderContact> ToImport,
    IReadOnlyList<PlannedLink> ToLink,
    IReadOnlyList<PlannedRemoval> ToDeleteInProvider,
    IReadOnlyList<PlannedRemoval> ToTakeOutOfGroup,
    IReadOnlyList<PlanWarning> Warnings);

/// <summary>
/// The first-sync planner: a pure function from both sides and the links to the plan (vdirsyncer's
/// <c>_get_actions</c>). Links stand; an unlinked provider contact carrying a CRM id tag is that contact (our own
/// create whose answer was lost, rule 8); on a first sync with <see cref="MatchBy.Email"/> one sharing an e-mail is
/// linked, one CRM contact per provider contact and back, the lowest ids first; what is left is imported (when the
/// direction pulls) or created (when it pushes, up to the cap, rule 10); linked contacts that left the scope go
/// (rule 2). Deterministic: the same inputs give the same plan in any order.
/// </summary>
public static class SyncPlanner
{
    private const int DuplicateSamples = 20;

    public static SyncPlan Plan(PlannerInputs x)
    {
        var scope = new Dictionary<Guid, Contact>(x.InScope.Count);
        foreach (var c in x.InScope) if (!c.Deleted) scope.TryAdd(c.Id, c);
        var linkedProviderIds = x.Links.Values.Select(l => l.ProviderId).ToHashSet(StringComparer.Ordinal);
        var claimed = new HashSet<Guid>(x.Links.Keys);
        var unlinked = x.Provider.Where(p => !linkedProviderIds.Contains(p.Id))
            .DistinctBy(p => p.Id).OrderBy(p => p.Id, StringComparer.Ordinal).ToList();

        var links = new List<PlannedLink>();
        var rest = new List<PlanProviderContact>();
        foreach (var p in unlinked)
        {
            if (Guid.TryParse(p.CrmId, out var tagged) && scope.ContainsKey(tagged) && claimed.Add(tagged))
                links.Add(new PlannedLink(tagged, p.Id, LinkReason.CrmIdTag));
            else rest.Add(p);
        }

        var imports = new List<PlanProviderContact>();
        var byEmail = x.FirstSync && x.Settings.MatchBy == MatchBy.Email ? EmailIndex(scope.Values.Where(c => !claimed.Contains(c.Id))) : null;
        foreach (var p in rest)
        {
            if (byEmail is not null && FirstUnclaimed(byEmail, p, claimed) is { } match)
            {
                claimed.Add(match);
                links.Add(new PlannedLink(match, p.Id, LinkReason.Email));
            }
            else if (x.Settings.PullsFromProvider) imports.Add(p);
        }

        var warnings = new List<PlanWarning>();
        var creates = new List<Guid>();
        if (x.Settings.PushesToProvider)
        {
            creates = [.. scope.Keys.Where(id => !claimed.Contains(id)).Order()];
            if (x.MaxContacts is { } max)
            {
                var room = Math.Max(0, max - Math.Max(x.ProviderTotal, x.Links.Count));
                if (creates.Count > room)
                {
                    warnings.Add(new PlanWarning.CapReached(max, creates.Count - room));
                    creates = creates[..room];
                }
            }
        }

        var deletes = new List<PlannedRemoval>();
        var takeOut = new List<PlannedRemoval>();
        if (x.Settings.PushesToProvider)
            foreach (var link in x.Links.Values.Where(l => !scope.ContainsKey(l.ContactId)).OrderBy(l => l.ContactId))
                (link.CreatedBySync ? deletes : takeOut).Add(new PlannedRemoval(link.ContactId, link.ProviderId, link.CreatedBySync));

        if (NotHeld(creates.Concat(links.Select(l => l.ContactId)).Select(id => scope[id]), x.Retainable) is { } notHeld) warnings.Add(notHeld);
        if (Duplicates(imports, x.OthersContacts) is { } duplicates) warnings.Add(duplicates);
        return new SyncPlan(creates, imports, links, deletes, takeOut, warnings);
    }

    private static Dictionary<string, List<Guid>> EmailIndex(IEnumerable<Contact> contacts)
    {
        var index = new Dictionary<string, List<Guid>>(StringComparer.Ordinal);
        foreach (var c in contacts)
            foreach (var key in MatchKeys.EmailKeys(c.Fields))
                (index.TryGetValue(key, out var ids) ? ids : index[key] = []).Add(c.Id);
        foreach (var ids in index.Values) ids.Sort();
        return index;
    }

    private static Guid? FirstUnclaimed(Dictionary<string, List<Guid>> byEmail, PlanProviderContact p, HashSet<Guid> claimed)
    {
        Guid? best = null;
        foreach (var key in MatchKeys.EmailKeys(p.Fields))
        {
            if (!byEmail.TryGetValue(key, out var ids)) continue;
            foreach (var id in ids)
            {
                if (claimed.Contains(id)) continue;
                if (best is null || id.CompareTo(best.Value) < 0) best = id;
                break;
            }
        }
        return best;
    }

    private static PlanWarning.ValuesNotHeld? NotHeld(IEnumerable<Contact> outgoing, Func<ContactFields, ContactFields> retainable)
    {
        var contacts = 0;
        var fields = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var c in outgoing)
        {
            var kept = retainable(c.Fields);
            if (Equals(kept, c.Fields)) continue;
            contacts++;
            foreach (var change in ContactChanges.Between(c, c with { Fields = kept })) fields.Add(change.Field);
        }
        return contacts == 0 ? null : new PlanWarning.ValuesNotHeld(contacts, [.. fields]);
    }

    private static PlanWarning.LikelyDuplicates? Duplicates(List<PlanProviderContact> imports, IReadOnlyList<Contact> others)
    {
        if (imports.Count == 0 || others.Count == 0) return null;
        var byKey = new Dictionary<string, List<Contact>>(StringComparer.Ordinal);
        foreach (var c in others.Where(c => !c.Deleted).OrderBy(c => c.Id))
            foreach (var key in Keys(c.Fields))
                (byKey.TryGetValue(key, out var list) ? list : byKey[key] = []).Add(c);
        var found = new List<LikelyDuplicate>();
        foreach (var p in imports)
        {
            var candidates = Keys(p.Fields).SelectMany(k => byKey.GetValueOrDefault(k) ?? []).DistinctBy(c => c.Id).OrderBy(c => c.Id);
            foreach (var c in candidates)
            {
                if (MatchKeys.Resemblance(p.Fields, c.Fields) is not { } reason) continue;
                found.Add(new LikelyDuplicate(p.Id, c.Id, c.OwnerId, reason));
                break;
            }
        }
        return found.Count == 0 ? null : new PlanWarning.LikelyDuplicates(found.Count, [.. found.Take(DuplicateSamples)]);
    }

    /// <summary>The keys a likely duplicate must share one of: an e-mail, a phone, or the company (the name is then compared).</summary>
    private static IEnumerable<string> Keys(ContactFields f) =>
        MatchKeys.EmailKeys(f).Select(k => "e:" + k)
            .Concat(MatchKeys.PhoneKeys(f).Select(k => "p:" + k))
            .Concat(MatchKeys.CompanyKey(f) is { } company ? ["c:" + company] : []);
}
