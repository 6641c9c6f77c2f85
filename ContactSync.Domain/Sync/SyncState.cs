using System.Collections.Immutable;
using static ContactSync.Domain.Sync.SyncEvent;

namespace ContactSync.Domain.Sync;

/// <summary>A CRM contact's counterpart at the provider, with the content both sides last agreed on.</summary>
public sealed record ContactLink(Guid ContactId, string ProviderId, string? ProviderVersion, Contacts.ContactFields Agreed, bool CreatedBySync);

/// <summary>
/// What a connection's worker knows, folded from its sync stream (<c>ConnectionSync-{id}</c>): the links both ways,
/// the change cursor, the creates sent but not yet answered (rule 8), the open conflicts and the run in progress.
/// Immutable, so a fold is cheap to keep and to hand around.
/// </summary>
public sealed record SyncState(
    ImmutableDictionary<Guid, ContactLink> Links,
    ImmutableDictionary<string, Guid> ByProviderId,
    string? Cursor,
    ImmutableHashSet<Guid> PendingCreates,
    ImmutableHashSet<Guid> OpenConflicts,
    Guid? RunningRun,
    long ConfirmedDeletesApplied,
    long Version)
{
    public static readonly SyncState Initial = new(
        ImmutableDictionary<Guid, ContactLink>.Empty, ImmutableDictionary<string, Guid>.Empty.WithComparers(StringComparer.Ordinal),
        null, [], [], null, -1, -1);

    /// <summary>A first sync has finished once a cursor was saved.</summary>
    public bool FirstSyncDone => Cursor is not null;

    public static SyncState Evolve(SyncState s, SyncEvent e) =>
        (e switch
        {
            SyncRunStarted r => s with { RunningRun = r.RunId, ConfirmedDeletesApplied = Math.Max(s.ConfirmedDeletesApplied, r.ConfirmedDeletes ?? -1) },
            SyncRunCompleted or SyncRunFailed => s with { RunningRun = null },
            ProviderCreatesIntended c => s with { PendingCreates = s.PendingCreates.Union(c.ContactIds.Where(id => !s.Links.ContainsKey(id))) },
            ContactLinked l => Link(s, new ContactLink(l.ContactId, l.ProviderId, l.ProviderVersion, l.Agreed, l.CreatedBySync)),
            LinkAgreed a when s.Links.TryGetValue(a.ContactId, out var link) =>
                Link(s, link with { ProviderId = a.ProviderId, ProviderVersion = a.ProviderVersion, Agreed = a.Agreed }),
            ContactUnlinked u when s.Links.TryGetValue(u.ContactId, out var link) => s with
            {
                Links = s.Links.Remove(u.ContactId),
                ByProviderId = s.ByProviderId.Remove(link.ProviderId),
                PendingCreates = s.PendingCreates.Remove(u.ContactId),
            },
            CursorSaved c => s with { Cursor = c.Cursor },
            ConflictRecorded c => s with { OpenConflicts = s.OpenConflicts.Add(c.ConflictId) },
            ConflictResolved c => s with { OpenConflicts = s.OpenConflicts.Remove(c.ConflictId) },
            _ => s,
        }) with
        { Version = s.Version + 1 };

    public static SyncState Fold(IEnumerable<SyncEvent> events) => events.Aggregate(Initial, Evolve);

    private static SyncState Link(SyncState s, ContactLink link)
    {
        var byProvider = s.Links.TryGetValue(link.ContactId, out var old) ? s.ByProviderId.Remove(old.ProviderId) : s.ByProviderId;
        return s with
        {
            Links = s.Links.SetItem(link.ContactId, link),
            ByProviderId = byProvider.SetItem(link.ProviderId, link.ContactId),
            PendingCreates = s.PendingCreates.Remove(link.ContactId),
        };
    }
}
