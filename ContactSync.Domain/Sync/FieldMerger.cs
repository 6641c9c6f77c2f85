using System.Text.Json;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;

namespace ContactSync.Domain.Sync;

/// <summary>A field both sides changed since they last agreed (rule 5): both values, and the side the policy chose.</summary>
/// <param name="CrmChangedAt">When the CRM last changed this field; the provider only tells when its contact changed.</param>
public sealed record FieldConflict(string Field, JsonElement CrmValue, JsonElement ProviderValue, SyncSide Winner, DateTimeOffset? CrmChangedAt = null);

/// <summary>The merged content; what each side must be told; the conflicts the merge decided.</summary>
/// <param name="Merged">The content both sides agree on after the merge (the new agreed state of the link).</param>
public sealed record MergeResult(ContactFields Merged, bool CrmChanges, bool ProviderChanges, IReadOnlyList<FieldConflict> Conflicts);

/// <summary>
/// The three-way merge of rule 5, per field on <see cref="ContactChanges"/>' paths (no second list of fields):
/// a field changed on one side takes that side's value; a field changed on both follows the policy and yields a
/// conflict. Lists (e-mails, phones, addresses, messengers, websites) merge item by item, so an item added on each
/// side keeps both and an item the provider cannot hold is never dropped. The provider is compared only on what it
/// can hold (rule 6: <paramref name="retainable"/>), so a value it lacks never clears the CRM's. A photo comes from
/// the provider only when the CRM contact has none (rule 9).
/// </summary>
public static class FieldMerger
{
    private const string PhotoPath = "photoUrl";

    /// <param name="agreed">The last state both sides agreed on (the link's).</param>
    /// <param name="crm">The CRM contact's content now.</param>
    /// <param name="provider">The provider contact's content now, as the adapter maps it.</param>
    /// <param name="retainable">What of a CRM content survives a round trip through the provider.</param>
    public static MergeResult Merge(
        ContactFields agreed, ContactFields crm, ContactFields provider, Func<ContactFields, ContactFields> retainable,
        ConflictPolicy policy, DateTimeOffset? crmChangedAt, DateTimeOffset? providerChangedAt) =>
        Merge(agreed, crm, provider, retainable, policy, _ => crmChangedAt, providerChangedAt);

    /// <param name="crmChangedAt">When the CRM last changed a path (<see cref="Contact.ChangedAt"/>): last writer wins
    /// per field, so an edit of another field of the same contact does not make an old value of this one look new.</param>
    /// <param name="providerChangedAt">When the provider's contact last changed (providers keep no per-field times).</param>
    public static MergeResult Merge(
        ContactFields agreed, ContactFields crm, ContactFields provider, Func<ContactFields, ContactFields> retainable,
        ConflictPolicy policy, Func<string, DateTimeOffset?> crmChangedAt, DateTimeOffset? providerChangedAt)
    {
        var baseValues = Values(agreed);
        var providerBase = Values(retainable(agreed));
        var crmValues = Values(crm);
        var providerValues = Values(retainable(provider));
        var providerPhoto = Get(Values(provider), PhotoPath);
        var conflicts = new List<FieldConflict>();
        var result = new List<FieldChange>();

        foreach (var path in ContactChanges.Paths)
        {
            var b = Get(baseValues, path);
            var c = Get(crmValues, path);
            if (path == PhotoPath)
            {
                // Rule 9. The sync never writes a photo to the provider, so the retainable projection leaves it out and
                // the photo is compared as the provider has it: one the provider holds anew fills a CRM contact without one.
                if (c.ValueKind == JsonValueKind.Null && providerPhoto.ValueKind != JsonValueKind.Null && !JsonElement.DeepEquals(b, providerPhoto))
                    result.Add(new FieldChange(path, c, providerPhoto));
                continue;
            }
            var p = Get(providerValues, path);
            var crmChanged = !JsonElement.DeepEquals(b, c);
            var providerChanged = !JsonElement.DeepEquals(Get(providerBase, path), p);
            if (!providerChanged) continue;                     // the CRM's value stands, changed or not
            JsonElement merged;
            if (!crmChanged) merged = p.ValueKind == JsonValueKind.Array ? MergeItems(c, Get(providerBase, path), p) : p;
            else if (JsonElement.DeepEquals(c, p)) continue;
            else if (c.ValueKind == JsonValueKind.Array || p.ValueKind == JsonValueKind.Array) merged = MergeItems(c, Get(providerBase, path), p);
            else
            {
                var crmAt = crmChangedAt(path);
                var winner = Winner(policy, crmAt, providerChangedAt);
                conflicts.Add(new FieldConflict(path, c, p, winner, crmAt));
                merged = winner == SyncSide.Crm ? c : p;
            }
            if (!JsonElement.DeepEquals(merged, c)) result.Add(new FieldChange(path, c, merged));
        }

        var mergedFields = ContactChanges.Apply(Wrap(crm), result).Fields;
        var providerChanges = !Equals(retainable(mergedFields), retainable(provider));
        return new MergeResult(mergedFields, result.Count > 0, providerChanges, conflicts);
    }

    /// <summary>
    /// The base to keep when a merge's CRM side is applied but its push to the provider may not land (the provider
    /// moved on meanwhile, which a lagging feed hides): the paths where the merged content is what the provider holds
    /// are agreed as of the observed provider version; the others keep the old base. So the next merge sees the CRM's
    /// own pending changes as changes, and never mistakes the values it pulled for CRM edits (a false conflict that
    /// would let a pulled value beat the provider's newer one).
    /// </summary>
    public static ContactFields AgreedAfterPull(ContactFields agreed, ContactFields merged, ContactFields provider, Func<ContactFields, ContactFields> retainable)
    {
        var baseValues = Values(agreed);
        var mergedValues = Values(merged);
        var providerValues = Values(retainable(provider));
        var taken = new List<FieldChange>();
        foreach (var path in ContactChanges.Paths)
        {
            var m = Get(mergedValues, path);
            if (JsonElement.DeepEquals(m, Get(providerValues, path)) && !JsonElement.DeepEquals(m, Get(baseValues, path)))
                taken.Add(new FieldChange(path, Get(baseValues, path), m));
        }
        return ContactChanges.Apply(Wrap(agreed), taken).Fields;
    }

    /// <summary>
    /// Item-by-item three-way merge of a list: the CRM's items in its order, minus those the provider removed, plus
    /// those the provider added. Items the provider cannot hold are not in its base, so it can never remove them.
    /// </summary>
    private static JsonElement MergeItems(JsonElement crm, JsonElement providerBase, JsonElement provider)
    {
        var removedAtProvider = Items(providerBase).Where(i => !Items(provider).Any(x => JsonElement.DeepEquals(x, i))).ToList();
        var kept = Items(crm).Where(i => !removedAtProvider.Any(r => JsonElement.DeepEquals(r, i)));
        var addedAtProvider = Items(provider).Where(i => !Items(providerBase).Any(x => JsonElement.DeepEquals(x, i)));
        var merged = new List<JsonElement>();
        foreach (var item in kept.Concat(addedAtProvider))
            if (!merged.Any(m => JsonElement.DeepEquals(m, item))) merged.Add(item);
        return JsonSerializer.SerializeToElement(merged);
    }

    private static SyncSide Winner(ConflictPolicy policy, DateTimeOffset? crmAt, DateTimeOffset? providerAt) => policy switch
    {
        ConflictPolicy.CrmWins => SyncSide.Crm,
        ConflictPolicy.ProviderWins => SyncSide.Provider,
        // Last writer wins; a side without a time (or a tie) loses to the CRM, whose event times are exact.
        _ => providerAt is { } p && (crmAt is not { } c || p > c) ? SyncSide.Provider : SyncSide.Crm,
    };

    private static IEnumerable<JsonElement> Items(JsonElement list) =>
        list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : [];

    private static readonly JsonElement Null = JsonSerializer.SerializeToElement<object?>(null);

    private static Contact Wrap(ContactFields fields) => Contact.Initial with { Fields = fields, Tags = [] };

    // Every path set to a value no contact holds, so Between(Sentinel, x) lists every path of x.
    private const string S = "\u0000";
    private static readonly Contact Sentinel = Contact.Initial with
    {
        Tags = [S],
        Fields = new ContactFields
        {
            Name = new PersonName(S, S, S, S, S, S), Emails = [new EmailAddress(S)], Phones = [new PhoneNumber(S)], Gender = S,
            Birthday = new Birthday(-1, 0, 0), Notes = S, JobTitle = S, Company = S, Department = S, Addresses = [new PostalAddress(S)],
            Ims = [new InstantMessenger(S, S)], Websites = [new Website(S)], PhotoUrl = S,
        },
    };

    private static Dictionary<string, JsonElement> Values(ContactFields fields) =>
        ContactChanges.Between(Sentinel, Wrap(fields)).ToDictionary(c => c.Field, c => c.To);

    private static JsonElement Get(Dictionary<string, JsonElement> values, string path) => values.GetValueOrDefault(path, Null);
}
