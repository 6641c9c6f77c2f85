using ContactSync.Domain.Common;

namespace ContactSync.Domain.Users;

public abstract record UserEvent
{
    private UserEvent() { }

    public abstract Guid TenantId { get; init; }
    public abstract Guid UserId { get; init; }
    public abstract Actor Actor { get; init; }
    public abstract DateTimeOffset At { get; init; }

    public sealed record UserCreated(
        Guid TenantId, Guid UserId, string Name, string Email, Guid? RoleId, bool IsAdmin, IReadOnlyList<string> Permissions,
        Actor Actor, DateTimeOffset At) : UserEvent;

    public sealed record UserRenamed(Guid TenantId, Guid UserId, string PreviousName, string Name, Actor Actor, DateTimeOffset At) : UserEvent;

    public sealed record UserEmailChanged(Guid TenantId, Guid UserId, string PreviousEmail, string Email, Actor Actor, DateTimeOffset At) : UserEvent;

    public sealed record UserRoleChanged(Guid TenantId, Guid UserId, Guid? PreviousRoleId, Guid? RoleId, Actor Actor, DateTimeOffset At) : UserEvent;

    public sealed record UserAdminChanged(Guid TenantId, Guid UserId, bool IsAdmin, Actor Actor, DateTimeOffset At) : UserEvent;

    public sealed record UserPermissionsChanged(
        Guid TenantId, Guid UserId, IReadOnlyList<string> PreviousPermissions, IReadOnlyList<string> Permissions,
        Actor Actor, DateTimeOffset At) : UserEvent;

    /// <summary>Only the hash is stored; <c>At</c> is the key's creation time.</summary>
    public sealed record UserApiKeyAdded(Guid TenantId, Guid UserId, Guid KeyId, string Hash, Actor Actor, DateTimeOffset At) : UserEvent;

    public sealed record UserApiKeyRevoked(Guid TenantId, Guid UserId, Guid KeyId, Actor Actor, DateTimeOffset At) : UserEvent;

    public sealed record UserDeactivated(Guid TenantId, Guid UserId, Actor Actor, DateTimeOffset At) : UserEvent;
}
