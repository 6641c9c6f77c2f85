using ContactSync.Domain.Contacts;

namespace ContactSync.Providers;

/// <summary>
/// What the sync engine needs from an address-book provider (Google People, Microsoft Graph), for one
/// connected account. Implementations talk to the provider through its real client library; only the base
/// addresses differ between production and the sandbox.
/// </summary>
/// <remarks>
/// Errors the engine must tell apart are typed (see <see cref="ProviderException"/>): an expired change cursor
/// (<see cref="CursorExpiredException"/>, run a full resync), a revoked grant (<see cref="ReauthRequiredException"/>),
/// throttling that outlasted the adapter's own retries (<see cref="ProviderThrottledException"/>), a stale
/// version (<see cref="ProviderConflictException"/>) and a provider limit (<see cref="ProviderLimitException"/>).
/// Transient faults (429 with Retry-After, 5xx, dropped connections) are retried inside the adapter.
/// </remarks>
public interface IContactProvider
{
    ProviderKind Kind { get; }

    /// <summary>What the provider can hold; see <see cref="ProviderCapabilities.Retainable"/>.</summary>
    ProviderCapabilities Capabilities { get; }

    /// <summary>The requests this session sent and the throttled answers it got (see <see cref="ProviderTraffic"/>).</summary>
    ProviderTraffic Traffic { get; }

    /// <summary>The account's user groups (Google contact groups, Outlook contact folders).</summary>
    Task<IReadOnlyList<ProviderGroup>> ListGroupsAsync(CancellationToken ct);

    /// <summary>Creates a group; if one with that name exists already, returns it instead of failing.</summary>
    Task<ProviderGroup> EnsureGroupAsync(string name, CancellationToken ct);

    /// <summary>
    /// One page of changes for the contacts of <paramref name="groupId"/>. A null cursor starts a full sync
    /// (every contact in the group); a cursor from <see cref="ChangePage.Cursor"/> continues. When
    /// <see cref="ChangePage.HasMore"/> is false, <see cref="ChangePage.Cursor"/> is the resumable sync cursor to
    /// keep for the next incremental run. Throws <see cref="CursorExpiredException"/> when the cursor is no longer
    /// valid (start again with null).
    /// </summary>
    Task<ChangePage> GetChangesAsync(string groupId, string? cursor, CancellationToken ct);

    /// <summary>Reads contacts by provider id (missing ones are left out).</summary>
    Task<IReadOnlyList<ProviderContact>> GetAsync(IReadOnlyList<string> ids, CancellationToken ct);

    /// <summary>Finds the contact that carries the CRM id tag, if any (idempotent creates).</summary>
    Task<ProviderContact?> FindByCrmIdAsync(string groupId, string crmId, CancellationToken ct);

    /// <summary>Finds the contacts that carry these CRM id tags (keyed by CRM id; missing ones are left out). An
    /// adapter that can look for many at once (Google scans the account once) overrides this.</summary>
    async Task<IReadOnlyDictionary<string, ProviderContact>> FindByCrmIdsAsync(string groupId, IReadOnlyCollection<string> crmIds, CancellationToken ct)
    {
        var found = new Dictionary<string, ProviderContact>(StringComparer.Ordinal);
        foreach (var id in crmIds)
            if (await FindByCrmIdAsync(groupId, id, ct) is { } contact) found[id] = contact;
        return found;
    }

    /// <summary>Creates contacts in the group, each tagged with its CRM id. Batched by the provider's limits;
    /// one result per input, in input order. A create whose outcome is unknown (its answer was lost, or a 5xx that
    /// may have been applied) and that a lookup by CRM id does not find yet is never sent again here: it answers
    /// <see cref="ProviderErrorKind.Unconfirmed"/>, because the provider's listings lag its writes (providers.md), and
    /// the caller looks for it again once that lag has passed (rule 8).</summary>
    Task<IReadOnlyList<WriteResult>> CreateAsync(string groupId, IReadOnlyList<NewProviderContact> contacts, CancellationToken ct);

    /// <summary>Replaces the mapped fields of existing contacts (only fields the provider can hold; others are
    /// left as they are at the provider). A non-null <see cref="ProviderContactUpdate.ETag"/> makes the write
    /// conditional. One result per input, in input order.</summary>
    Task<IReadOnlyList<WriteResult>> UpdateAsync(IReadOnlyList<ProviderContactUpdate> updates, CancellationToken ct);

    /// <summary>Deletes contacts; deleting one that is already gone succeeds.</summary>
    Task<IReadOnlyList<WriteResult>> DeleteAsync(IReadOnlyList<string> ids, CancellationToken ct);

    /// <summary>Adds contacts to / removes them from a group without deleting them (Outlook: moves between the
    /// folder and the default Contacts folder).</summary>
    Task<IReadOnlyList<WriteResult>> ModifyGroupMembersAsync(string groupId, IReadOnlyList<string> add, IReadOnlyList<string> remove, CancellationToken ct);

    /// <summary>Asks the provider to POST a change notification to <paramref name="notificationUrl"/> whenever a contact
    /// of the group changes (Microsoft Graph subscriptions; rule 13), carrying <paramref name="clientState"/>. Null when
    /// the provider has no such notifications (Google's People API has none): the engine then polls.</summary>
    Task<ProviderSubscription?> SubscribeAsync(string groupId, Uri notificationUrl, string clientState, DateTimeOffset expiresAt, CancellationToken ct) =>
        Task.FromResult<ProviderSubscription?>(null);

    /// <summary>Extends a subscription; null when the provider no longer knows it (subscribe again).</summary>
    Task<ProviderSubscription?> RenewSubscriptionAsync(string subscriptionId, DateTimeOffset expiresAt, CancellationToken ct) =>
        Task.FromResult<ProviderSubscription?>(null);

    /// <summary>Ends a subscription; ending one that is gone succeeds.</summary>
    Task UnsubscribeAsync(string subscriptionId, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>A provider's promise to notify a URL of a group's changes until <see cref="ExpiresAt"/>.</summary>
public sealed record ProviderSubscription(string Id, DateTimeOffset ExpiresAt);

public enum ProviderKind { Google, Microsoft }

public sealed record ProviderGroup(string Id, string Name, int? MemberCount);

/// <summary>A contact as the provider holds it, mapped to CRM fields.</summary>
/// <param name="Id">Provider id (Google resource name <c>people/c…</c>, Outlook contact id).</param>
/// <param name="ETag">Provider version (Google person etag, Outlook <c>@odata.etag</c>).</param>
/// <param name="CrmId">The CRM id tag written by <see cref="IContactProvider.CreateAsync"/>, if present.</param>
/// <param name="GroupIds">Groups the contact belongs to (Google memberships; Outlook: its folder).</param>
public sealed record ProviderContact(
    string Id, string ETag, ContactFields Fields, string? CrmId, IReadOnlyList<string> GroupIds, DateTimeOffset? UpdatedAt);

public sealed record NewProviderContact(string CrmId, ContactFields Fields);

public sealed record ProviderContactUpdate(string Id, ContactFields Fields, string? ETag, string? CrmId = null);

/// <summary>One item's outcome; <see cref="Error"/> is null on success.</summary>
public sealed record WriteResult(string? Id, string? ETag, ProviderContact? Contact, ProviderError? Error)
{
    public bool Succeeded => Error is null;
}

public sealed record ProviderError(ProviderErrorKind Kind, string Message, int? HttpStatus = null);

public enum ProviderErrorKind { NotFound, Conflict, Invalid, LimitReached, Throttled, Transient, Unauthorized, Other, Unconfirmed }

/// <summary>A page of a change feed. Upserts are contacts created or changed (in the group); removals are ids
/// that left the group or were deleted.</summary>
public sealed record ChangePage(
    IReadOnlyList<ProviderContact> Upserts,
    IReadOnlyList<ProviderRemoval> Removals,
    string Cursor,
    bool HasMore,
    bool IsFullSync);

public sealed record ProviderRemoval(string Id, RemovalReason Reason);

public enum RemovalReason { Deleted, LeftGroup }
