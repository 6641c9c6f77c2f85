using ContactSync.Domain.Common;

namespace ContactSync.Domain.Contacts;

/// <summary>
/// Everything that can happen to a contact. Each event names its tenant, the contact, the actor and the time,
/// and carries enough of the "before" to show history without folding the stream again
/// (<see cref="ContactHistory.ChangesOf"/>). Stored type names are in <see cref="Serialization.EventTypeMap"/>.
/// </summary>
public abstract record ContactEvent
{
    private ContactEvent() { }

    public abstract Guid TenantId { get; init; }
    public abstract Guid ContactId { get; init; }
    public abstract Actor Actor { get; init; }
    public abstract DateTimeOffset At { get; init; }

    public sealed record ContactCreated(
        Guid TenantId, Guid ContactId, ContactFields Fields, IReadOnlyList<string> Tags, Guid OwnerId,
        IReadOnlyList<Guid> FollowerIds, ContactVisibility Visibility, Actor Actor, DateTimeOffset At) : ContactEvent;

    /// <summary>Field-level changes of the content (<see cref="ContactChanges.Paths"/>); never empty.</summary>
    public sealed record ContactUpdated(
        Guid TenantId, Guid ContactId, IReadOnlyList<FieldChange> Changes, Actor Actor, DateTimeOffset At) : ContactEvent;

    public sealed record ContactDeleted(Guid TenantId, Guid ContactId, Actor Actor, DateTimeOffset At) : ContactEvent;

    public sealed record ContactRestored(Guid TenantId, Guid ContactId, Actor Actor, DateTimeOffset At) : ContactEvent;

    public sealed record ContactOwnerChanged(
        Guid TenantId, Guid ContactId, Guid PreviousOwnerId, Guid OwnerId, Actor Actor, DateTimeOffset At) : ContactEvent;

    public sealed record ContactFollowerAdded(
        Guid TenantId, Guid ContactId, Guid FollowerId, Actor Actor, DateTimeOffset At) : ContactEvent;

    public sealed record ContactFollowerRemoved(
        Guid TenantId, Guid ContactId, Guid FollowerId, Actor Actor, DateTimeOffset At) : ContactEvent;

    public sealed record ContactVisibilityChanged(
        Guid TenantId, Guid ContactId, ContactVisibility PreviousVisibility, ContactVisibility Visibility,
        Actor Actor, DateTimeOffset At) : ContactEvent;
}
