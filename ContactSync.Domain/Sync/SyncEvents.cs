using System.Text.Json;
using System.Text.Json.Serialization;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;

namespace ContactSync.Domain.Sync;

[JsonConverter(typeof(JsonStringEnumConverter<RunKind>))]
public enum RunKind
{
    [JsonStringEnumMemberName("first-sync")] FirstSync,
    [JsonStringEnumMemberName("pull")] Pull,
    [JsonStringEnumMemberName("push")] Push,
    [JsonStringEnumMemberName("sync-now")] SyncNow,
    /// <summary>Rule 11: the change cursor expired; a full listing is diffed against the links.</summary>
    [JsonStringEnumMemberName("resync")] Resync,
    [JsonStringEnumMemberName("revert")] Revert,
    /// <summary>A pull woken by the provider's change notification (rule 13).</summary>
    [JsonStringEnumMemberName("notified")] Notified,
}

[JsonConverter(typeof(JsonStringEnumConverter<SyncSide>))]
public enum SyncSide
{
    [JsonStringEnumMemberName("crm")] Crm,
    [JsonStringEnumMemberName("provider")] Provider,
}

[JsonConverter(typeof(JsonStringEnumConverter<UnlinkReason>))]
public enum UnlinkReason
{
    /// <summary>The CRM contact left the connection's scope (rule 2).</summary>
    [JsonStringEnumMemberName("left-scope")] LeftScope,
    [JsonStringEnumMemberName("crm-deleted")] CrmDeleted,
    [JsonStringEnumMemberName("provider-deleted")] ProviderDeleted,
    /// <summary>The provider contact left the group at the provider.</summary>
    [JsonStringEnumMemberName("left-group")] LeftGroup,
}

/// <summary>What one run did; every count is per side, and provider requests are counted per endpoint.</summary>
public sealed record RunCounts(
    int CreatedInCrm, int UpdatedInCrm, int DeletedInCrm,
    int CreatedInProvider, int UpdatedInProvider, int DeletedInProvider,
    int Linked, int Conflicts, int Errors, IReadOnlyDictionary<string, int> ProviderRequests)
{
    public static readonly RunCounts Zero = new(0, 0, 0, 0, 0, 0, 0, 0, 0, new Dictionary<string, int>());
}

/// <summary>
/// The data plane of one connection, stream <c>ConnectionSync-{id}</c>, written only by the worker that owns the
/// connection (appends carry the version it read, so a stale owner's write fails: the stream is its own fence).
/// Everything the worker knows is here, so the links, runs, conflicts and dashboards rebuild from the log:
/// provider changes as observed (rule 3, recorded before they are applied), links with the last state both
/// sides agreed on (rule 5's base, rule 4's echo check), creates about to be sent (rule 8), cursors, runs, conflicts.
/// </summary>
public abstract record SyncEvent
{
    private SyncEvent() { }

    public abstract Guid TenantId { get; init; }
    public abstract Guid ConnectionId { get; init; }
    public abstract DateTimeOffset At { get; init; }

    /// <param name="ConfirmedDeletes">The connection version of a mass-delete confirmation this run acts on (rule 7), if any.</param>
    public sealed record SyncRunStarted(Guid TenantId, Guid ConnectionId, Guid RunId, RunKind Kind, DateTimeOffset At, long? ConfirmedDeletes = null) : SyncEvent;

    /// <summary>Progress of a run (phase such as <c>planning</c>, <c>pushing</c>, <c>importing</c>, <c>pulling</c>).</summary>
    public sealed record SyncRunProgressed(Guid TenantId, Guid ConnectionId, Guid RunId, string Phase, int Done, int Total, DateTimeOffset At) : SyncEvent;

    /// <param name="Kind">What the run turned out to be, when not what it started as (a pull whose cursor had expired
    /// ran as a resync, rule 11); null otherwise.</param>
    public sealed record SyncRunCompleted(Guid TenantId, Guid ConnectionId, Guid RunId, RunCounts Counts, IReadOnlyList<string> Warnings, DateTimeOffset At,
        RunKind? Kind = null) : SyncEvent;

    /// <summary>A run that stopped on an error; transient errors retry and do not end a run (rule 12).</summary>
    /// <param name="Throttled">The run stopped because the provider asked to slow down (rule 12): the connection has not
    /// failed, and the next run after the provider's wait does the rest.</param>
    public sealed record SyncRunFailed(Guid TenantId, Guid ConnectionId, Guid RunId, RunCounts Counts, string Error, DateTimeOffset At,
        bool Throttled = false) : SyncEvent
    {
        /// <summary>The error of a run that never recorded its end (its process was killed), closed by the next run.</summary>
        public const string Interrupted = "The run was interrupted before it ended; the next run picked up where it left off.";
    }

    /// <summary>A provider contact as the change feed reported it, before anything is done with it (rule 3).</summary>
    /// <param name="Fields">The mapped content; null when <paramref name="Removed"/>.</param>
    public sealed record ProviderChangeObserved(
        Guid TenantId, Guid ConnectionId, Guid RunId, string ProviderId, string? Version, ContactFields? Fields, string? CrmId,
        bool Removed, DateTimeOffset? ProviderUpdatedAt, DateTimeOffset At) : SyncEvent;

    /// <summary>Creates about to be sent, so a worker that dies before the answer looks them up by CRM id tag (rule 8).</summary>
    public sealed record ProviderCreatesIntended(Guid TenantId, Guid ConnectionId, Guid RunId, IReadOnlyList<Guid> ContactIds, DateTimeOffset At) : SyncEvent;

    /// <param name="Agreed">The content both sides hold now (as far as the provider can hold it).</param>
    /// <param name="CreatedBySync">Whether this connection created the provider contact (rule 2: then it deletes it when the contact leaves scope).</param>
    public sealed record ContactLinked(
        Guid TenantId, Guid ConnectionId, Guid RunId, Guid ContactId, string ProviderId, string? ProviderVersion, ContactFields Agreed,
        bool CreatedBySync, DateTimeOffset At) : SyncEvent;

    /// <summary>Both sides agree again after a push or a pull; the new agreed state and provider version.</summary>
    public sealed record LinkAgreed(
        Guid TenantId, Guid ConnectionId, Guid RunId, Guid ContactId, string ProviderId, string? ProviderVersion, ContactFields Agreed,
        DateTimeOffset At) : SyncEvent;

    public sealed record ContactUnlinked(
        Guid TenantId, Guid ConnectionId, Guid RunId, Guid ContactId, string ProviderId, UnlinkReason Reason, DateTimeOffset At) : SyncEvent;

    /// <summary>The change cursor to resume from (Google sync token, Graph delta link), saved after the changes it covers.</summary>
    public sealed record CursorSaved(Guid TenantId, Guid ConnectionId, string Cursor, DateTimeOffset At) : SyncEvent;

    /// <summary>A field changed on both sides (rule 5): both values and times, the policy and which side won.</summary>
    public sealed record ConflictRecorded(
        Guid TenantId, Guid ConnectionId, Guid RunId, Guid ConflictId, Guid ContactId, string Field, JsonElement CrmValue, JsonElement ProviderValue,
        DateTimeOffset? CrmChangedAt, DateTimeOffset? ProviderChangedAt, ConflictPolicy Policy, SyncSide Winner, DateTimeOffset At) : SyncEvent;

    public sealed record ConflictResolved(Guid TenantId, Guid ConnectionId, Guid ConflictId, SyncSide Applied, Common.Actor Actor, DateTimeOffset At) : SyncEvent;

    /// <summary>The provider will notify the API of the group's changes until <paramref name="ExpiresAt"/> (rule 13).</summary>
    public sealed record NotificationsSubscribed(Guid TenantId, Guid ConnectionId, string SubscriptionId, DateTimeOffset ExpiresAt, DateTimeOffset At) : SyncEvent;

    /// <summary>The subscription ended (no public URL any more, or the provider forgot it).</summary>
    public sealed record NotificationsEnded(Guid TenantId, Guid ConnectionId, string SubscriptionId, DateTimeOffset At) : SyncEvent;

    /// <summary>A provider's change notification reached the webhook (on the connection's inbox stream, not its sync
    /// stream): a hint to pull now; the changes themselves are read and recorded by the run it wakes.</summary>
    public sealed record ProviderChangesNotified(Guid TenantId, Guid ConnectionId, string SubscriptionId, int Changes, DateTimeOffset At) : SyncEvent;

    /// <summary>A run's CRM changes were undone by new contact events (rule 14).</summary>
    public sealed record RunReverted(Guid TenantId, Guid ConnectionId, Guid RunId, Guid RevertRunId, Common.Actor Actor, DateTimeOffset At) : SyncEvent;
}
