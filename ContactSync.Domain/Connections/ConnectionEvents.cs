using System.Text.Json.Serialization;
using ContactSync.Domain.Common;
using ContactSync.Domain.Sync;

namespace ContactSync.Domain.Connections;

/// <summary>The provider group of a connection: an existing one (<see cref="Id"/> set), or a new one the first
/// sync creates with <see cref="Name"/> (then bound with <see cref="ConnectionEvent.ConnectionGroupBound"/>).</summary>
public sealed record GroupRef(string? Id, string Name);

[JsonConverter(typeof(JsonStringEnumConverter<PauseReason>))]
public enum PauseReason
{
    [JsonStringEnumMemberName("user")] User,
    /// <summary>Rule 7: a pull would delete more than 20% (and more than 10) of the linked contacts.</summary>
    [JsonStringEnumMemberName("mass-delete")] MassDelete,
}

/// <summary>
/// The control plane of one sync binding, stream <c>Connection-{id}</c>: what users decide (create, start, sync now,
/// pause, resume, confirm deletes, settings, disconnect) and what the worker reports that a user must see or act on
/// (the group it bound, a grant that needs re-authorisation, a failure, a mass-delete pause). The data plane, with
/// links, cursors, runs and conflicts, is the connection's sync stream (<see cref="Sync.SyncEvent"/>), so this
/// stream stays small enough to fold on every request.
/// </summary>
public abstract record ConnectionEvent
{
    private ConnectionEvent() { }

    public abstract Guid TenantId { get; init; }
    public abstract Guid ConnectionId { get; init; }
    public abstract Actor Actor { get; init; }
    public abstract DateTimeOffset At { get; init; }

    /// <param name="UserId">The user whose connection this is: the CRM side acts with their visibility and owns imports.</param>
    /// <param name="Provider">The account's provider, <c>google</c> or <c>microsoft</c>, copied so readers need not join.</param>
    public sealed record ConnectionCreated(
        Guid TenantId, Guid ConnectionId, Guid UserId, Guid AccountId, string Provider, ConnectionScope Scope, Guid? ListId,
        GroupRef Group, ConnectionSettings Settings, Actor Actor, DateTimeOffset At) : ConnectionEvent;

    public sealed record ConnectionStarted(Guid TenantId, Guid ConnectionId, Actor Actor, DateTimeOffset At) : ConnectionEvent;

    /// <summary>"Sync now" (rule 13); on a failed connection it is also the retry.</summary>
    public sealed record ConnectionSyncRequested(Guid TenantId, Guid ConnectionId, Actor Actor, DateTimeOffset At) : ConnectionEvent;

    public sealed record ConnectionPaused(Guid TenantId, Guid ConnectionId, PauseReason Reason, string? Detail, Actor Actor, DateTimeOffset At) : ConnectionEvent;

    /// <summary>Resumed. After a mass-delete pause this rejects the pending deletes: the links end, nothing is deleted.</summary>
    public sealed record ConnectionResumed(Guid TenantId, Guid ConnectionId, Actor Actor, DateTimeOffset At) : ConnectionEvent;

    /// <summary>The user confirmed the deletes that tripped the mass-delete guard; the connection runs again and applies them.</summary>
    public sealed record ConnectionDeletesConfirmed(Guid TenantId, Guid ConnectionId, Actor Actor, DateTimeOffset At) : ConnectionEvent;

    public sealed record ConnectionSettingsChanged(
        Guid TenantId, Guid ConnectionId, ConnectionSettings Previous, ConnectionSettings Settings, Actor Actor, DateTimeOffset At) : ConnectionEvent;

    /// <summary>Stops syncing for good; no contact is deleted on either side.</summary>
    public sealed record ConnectionDisconnected(Guid TenantId, Guid ConnectionId, Actor Actor, DateTimeOffset At) : ConnectionEvent;

    /// <summary>The worker created (or found by name) the group a new connection asked for.</summary>
    public sealed record ConnectionGroupBound(Guid TenantId, Guid ConnectionId, string GroupId, string Name, Actor Actor, DateTimeOffset At) : ConnectionEvent;

    /// <summary>The account's grant was refused (rule 11): the connection waits, keeping its backlog, until re-auth.</summary>
    public sealed record ConnectionReauthRequired(Guid TenantId, Guid ConnectionId, string Message, Actor Actor, DateTimeOffset At) : ConnectionEvent;

    public sealed record ConnectionReauthCleared(Guid TenantId, Guid ConnectionId, Actor Actor, DateTimeOffset At) : ConnectionEvent;

    /// <summary>Something only a user can fix (the group was deleted at the provider, the account lost access...).</summary>
    public sealed record ConnectionFailed(Guid TenantId, Guid ConnectionId, string Error, Actor Actor, DateTimeOffset At) : ConnectionEvent;

    /// <summary>
    /// A user applied one side of a conflict the worker recorded (rule 5): the chosen value was set on the CRM contact
    /// through the contact's own command (the engine then pushes it as an ordinary edit). Recorded here, on the control
    /// plane, and not on the worker's fenced sync stream.
    /// </summary>
    public sealed record ConnectionConflictResolved(Guid TenantId, Guid ConnectionId, Guid ConflictId, Guid ContactId, string Field, SyncSide Applied,
        Actor Actor, DateTimeOffset At) : ConnectionEvent;

    /// <summary>
    /// A run's CRM changes were undone by new contact events with the user as actor (rule 14): contacts it created
    /// deleted (soft), fields it changed set back, contacts it deleted restored. The counts say what was undone.
    /// </summary>
    public sealed record ConnectionRunReverted(Guid TenantId, Guid ConnectionId, Guid RunId, int Deleted, int Updated, int Restored,
        Actor Actor, DateTimeOffset At) : ConnectionEvent;
}
