using System.Collections.Immutable;
using static ContactSync.Domain.Sync.SyncEvent;

namespace ContactSync.Domain.Sync;

/// <summary>A CRM contact's counterpart at the provider, with the content both sides last agreed on.</summary>
/// <param name="PastVersions">Provider versions this link moved past (newest last, a few kept): a change feed that
/// lags the provider's writes can still deliver one of them, and it is then known as old news, not a provider edit.</param>
/// <param name="AgreedAt">When both sides last agreed: a listing younger than the provider's lag may not show the
/// contact yet, so its absence there is not a delete.</param>
public sealed record ContactLink(Guid ContactId, string ProviderId, string? ProviderVersion, Contacts.ContactFields Agreed, bool CreatedBySync,
    DateTimeOffset AgreedAt = default, ImmutableList<string>? PastVersions = null)
{
    private const int VersionsKept = 8;

    /// <summary>Whether <paramref name="version"/> is one this link has already moved past.</summary>
    public bool IsPastVersion(string? version) => version is not null && PastVersions is { } past && past.Contains(version);

    public ContactLink MovedTo(string providerId, string? version, Contacts.ContactFields agreed, DateTimeOffset at)
    {
        var past = PastVersions ?? [];
        if (ProviderVersion is not null && ProviderVersion != version && providerId == ProviderId) past = past.Add(ProviderVersion);
        if (providerId != ProviderId) past = [];
        if (past.Count > VersionsKept) past = past.RemoveRange(0, past.Count - VersionsKept);
        return this with { ProviderId = providerId, ProviderVersion = version, Agreed = agreed, AgreedAt = at, PastVersions = past };
    }
}

/// <summary>The provider's promise to notify the API of the group's changes (Microsoft Graph subscriptions).</summary>
public sealed record NotificationSubscription(string Id, DateTimeOffset ExpiresAt);

/// <summary>
/// What a connection's worker knows, folded from its sync stream (<c>ConnectionSync-{id}</c>): the links both ways,
/// the change cursor, the creates sent but not yet answered (rule 8, with when they were sent), the open conflicts, the
/// run in progress and the change-notification subscription.
/// Immutable, so a fold is cheap to keep and to hand around.
/// </summary>
public sealed record SyncState(
    ImmutableDictionary<Guid, ContactLink> Links,
    ImmutableDictionary<string, Guid> ByProviderId,
    string? Cursor,
    ImmutableDictionary<Guid, DateTimeOffset> PendingCreates,
    ImmutableHashSet<Guid> OpenConflicts,
    Guid? RunningRun,
    long ConfirmedDeletesApplied,
    NotificationSubscription? Subscription,
    long Version)
{
    public static readonly SyncState Initial = new(
        ImmutableDictionary<Guid, ContactLink>.Empty, ImmutableDictionary<string, Guid>.Empty.WithComparers(StringComparer.Ordinal),
        null, ImmutableDictionary<Guid, DateTimeOffset>.Empty, [], null, -1, null, -1);

    /// <summary>A first sync has finished once a cursor was saved.</summary>
    public bool FirstSyncDone => Cursor is not null;

    public static SyncState Evolve(SyncState s, SyncEvent e) =>
        (e switch
        {
            SyncRunStarted r => s with { RunningRun = r.RunId, ConfirmedDeletesApplied = Math.Max(s.ConfirmedDeletesApplied, r.ConfirmedDeletes ?? -1) },
            SyncRunCompleted or SyncRunFailed => s with { RunningRun = null },
            ProviderCreatesIntended c => s with
            {
                PendingCreates = s.PendingCreates.SetItems(c.ContactIds.Where(id => !s.Links.ContainsKey(id)).Select(id => KeyValuePair.Create(id, c.At))),
            },
            ContactLinked l => Link(s, s.Links.TryGetValue(l.ContactId, out var old) && old.ProviderId == l.ProviderId
                ? old.MovedTo(l.ProviderId, l.ProviderVersion, l.Agreed, l.At) with { CreatedBySync = l.CreatedBySync }
                : new ContactLink(l.ContactId, l.ProviderId, l.ProviderVersion, l.Agreed, l.CreatedBySync, l.At)),
            LinkAgreed a when s.Links.TryGetValue(a.ContactId, out var link) => Link(s, link.MovedTo(a.ProviderId, a.ProviderVersion, a.Agreed, a.At)),
            ContactUnlinked u when s.Links.TryGetValue(u.ContactId, out var link) => s with
            {
                Links = s.Links.Remove(u.ContactId),
                ByProviderId = s.ByProviderId.Remove(link.ProviderId),
                PendingCreates = s.PendingCreates.Remove(u.ContactId),
            },
            CursorSaved c => s with { Cursor = c.Cursor },
            ConflictRecorded c => s with { OpenConflicts = s.OpenConflicts.Add(c.ConflictId) },
            ConflictResolved c => s with { OpenConflicts = s.OpenConflicts.Remove(c.ConflictId) },
            NotificationsSubscribed n => s with { Subscription = new NotificationSubscription(n.SubscriptionId, n.ExpiresAt) },
            NotificationsEnded n when s.Subscription?.Id == n.SubscriptionId => s with { Subscription = null },
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
