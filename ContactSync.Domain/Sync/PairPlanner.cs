using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;

namespace ContactSync.Domain.Sync;

/// <summary>The provider's side of a linked pair as the planner sees it: its id, version, content and when it last changed.</summary>
public sealed record PairProvider(string Id, string? ETag, ContactFields Fields, DateTimeOffset? UpdatedAt);

/// <summary>What the pair decisions depend on: the connection's settings, and what of a contact the provider can hold (rule 6).</summary>
public sealed record PairRules(ConnectionSettings Settings, Func<ContactFields, ContactFields> Retainable);

public enum SkipReason
{
    /// <summary>The provider's version is the one both sides agreed on (often our own write echoing back, rule 4), or
    /// the CRM holds nothing the provider does not.</summary>
    Agreed,
    /// <summary>A lagging feed delivered a version the link has moved past: old news, never an edit to merge.</summary>
    PastVersion,
    /// <summary>Rule 2's check on the contact's own stream found it still in scope: the read model lagged.</summary>
    StillInScope,
}

/// <summary>
/// What a run does with one linked pair, the whole set of cases (vdirsyncer's actions): the sync run carries out
/// exactly these and decides nothing itself. The constructor is private, so no case can be added outside this file.
/// </summary>
public abstract record PairAction
{
    private PairAction() { }

    /// <summary>Nothing to do for this pair.</summary>
    public sealed record Skip(SkipReason Reason) : PairAction;

    /// <summary>A three-way merge (rule 5) after which both sides hold <paramref name="Fields"/>: the CRM takes
    /// <paramref name="Pull"/> when not null, the conflicts are recorded, and the link agrees on the provider's version.</summary>
    public sealed record Agree(ContactFields? Pull, IReadOnlyList<FieldConflict> Conflicts, ContactFields Fields) : PairAction;

    /// <summary>The provider is sent <paramref name="Fields"/> (never an empty write, rule 4). After a merge the CRM
    /// takes <paramref name="Pull"/> first, and <paramref name="AgreedSoFar"/> (what it took) is agreed at once,
    /// whether or not the push lands.</summary>
    public sealed record Push(ContactFields? Pull, IReadOnlyList<FieldConflict> Conflicts, ContactFields Fields, ContactFields? AgreedSoFar) : PairAction;

    /// <summary>The provider deleted the contact or took it out of the group: deleted in the CRM when
    /// <paramref name="DeleteInCrm"/> (the settings say so, rule 1), unlinked in any case.</summary>
    public sealed record Remove(bool DeleteInCrm, UnlinkReason Reason) : PairAction;

    /// <summary>Rule 2: the CRM contact left the scope or was deleted: deleted at the provider when the sync created it
    /// (<paramref name="DeleteAtProvider"/>), else only taken out of the group; then unlinked.</summary>
    public sealed record Leave(bool DeleteAtProvider, UnlinkReason Reason) : PairAction;
}

/// <summary>The provider's removals of linked contacts, as the mass-delete guard lets them through (rule 7).</summary>
public abstract record RemovalPlan
{
    private RemovalPlan() { }

    /// <summary>Too many at once: the connection pauses and nothing is removed until the user confirms or resumes.</summary>
    public sealed record Pause(int Removed, int Linked) : RemovalPlan;

    public sealed record Apply(IReadOnlyList<(ContactLink Link, PairAction.Remove Action)> Removals) : RemovalPlan;
}

/// <summary>
/// The decisions about linked pairs, pure functions of the pair and the rules: what a provider change asks for (echo
/// and past-version checks, then the three-way merge into pull, push or agree), what a CRM edit asks for, what the
/// provider's removals do behind the mass-delete guard, and what a contact that left the scope does (rule 2).
/// </summary>
public static class PairPlanner
{
    /// <summary>A provider change of a pair: <paramref name="link"/> null is a pair linked in this run, whose every
    /// differing value is new on both sides (nothing agreed yet, so nothing is dropped).</summary>
    public static PairAction OnProviderChange(ContactLink? link, Contact crm, PairProvider provider, PairRules rules)
    {
        if (link is not null && provider.ETag == link.ProviderVersion) return new PairAction.Skip(SkipReason.Agreed);
        // Often our own earlier write, delivered late: merging it would set the CRM back.
        if (link is not null && link.IsPastVersion(provider.ETag)) return new PairAction.Skip(SkipReason.PastVersion);
        return Merge(link?.Agreed ?? ContactFields.Empty, crm, provider, rules);
    }

    /// <summary>Rule 5's three-way merge from <paramref name="agreed"/>; deciding it again on a later state of the CRM
    /// contact gives the action for that state.</summary>
    public static PairAction Merge(ContactFields agreed, Contact crm, PairProvider provider, PairRules rules)
    {
        var settings = rules.Settings;
        var merge = FieldMerger.Merge(agreed, crm.Fields, provider.Fields, rules.Retainable, settings.Conflicts, path => crm.ChangedAt(path), provider.UpdatedAt);
        var pull = merge.CrmChanges && settings.PullsFromProvider ? merge.Merged : null;
        var merged = settings.PullsFromProvider ? merge.Merged : crm.Fields;
        if (settings.PushesToProvider && !Equals(rules.Retainable(merged), rules.Retainable(provider.Fields)))
            return new PairAction.Push(pull, merge.Conflicts, merged,
                pull is null ? null : FieldMerger.AgreedAfterPull(agreed, merged, provider.Fields, rules.Retainable));
        return new PairAction.Agree(pull, merge.Conflicts, merged);
    }

    /// <summary>A CRM edit since the last agreement of a pair the provider did not change: only what the provider can
    /// hold, and only when it differs (a change that came from the provider is agreed already, so it never echoes).</summary>
    public static PairAction OnCrmEdit(ContactLink link, Contact crm, PairRules rules) =>
        Equals(rules.Retainable(crm.Fields), rules.Retainable(link.Agreed))
            ? new PairAction.Skip(SkipReason.Agreed)
            : new PairAction.Push(null, [], crm.Fields, null);

    /// <summary>
    /// The provider's removals of linked contacts (<see cref="UnlinkReason.ProviderDeleted"/> or
    /// <see cref="UnlinkReason.LeftGroup"/>). Many at once pause the connection instead (rule 7), except on a first sync
    /// and when the user confirmed the deletes.
    /// </summary>
    public static RemovalPlan OnRemovals(IReadOnlyList<(ContactLink Link, UnlinkReason Reason)> removed, int linked, bool firstSync, bool confirmed,
        ConnectionSettings settings)
    {
        if (removed.Count > 0 && !firstSync && !confirmed && MassDeleteGuard.Trips(removed.Count, linked))
            return new RemovalPlan.Pause(removed.Count, linked);
        var delete = settings.PullsFromProvider && settings.ProviderDeletes == ProviderDeletes.Delete;
        return new RemovalPlan.Apply([.. removed.Select(r => (r.Link, new PairAction.Remove(delete && r.Reason == UnlinkReason.ProviderDeleted, r.Reason)))]);
    }

    /// <summary>Rule 2 for a linked contact the run's scope lacks, checked on its own stream (<paramref name="current"/>):
    /// still in scope is a lagging read model; else it leaves the provider.</summary>
    /// <param name="filter">The list's filter for a list connection; null: the scope is what the connection's user owns.</param>
    public static PairAction OnLeavingScope(ContactLink link, Contact current, ListFilter? filter, Guid userId)
    {
        var inScope = current.Exists && !current.Deleted && (filter is null ? current.OwnerId == userId : filter.Matches(current));
        return inScope
            ? new PairAction.Skip(SkipReason.StillInScope)
            : new PairAction.Leave(link.CreatedBySync, current.Deleted ? UnlinkReason.CrmDeleted : UnlinkReason.LeftScope);
    }
}
