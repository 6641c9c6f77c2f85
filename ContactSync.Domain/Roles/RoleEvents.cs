using ContactSync.Domain.Common;

namespace ContactSync.Domain.Roles;

public abstract record RoleEvent
{
    private RoleEvent() { }

    public abstract Guid TenantId { get; init; }
    public abstract Guid RoleId { get; init; }
    public abstract Actor Actor { get; init; }
    public abstract DateTimeOffset At { get; init; }

    public sealed record RoleCreated(Guid TenantId, Guid RoleId, string Name, Guid? ParentId, Actor Actor, DateTimeOffset At) : RoleEvent;

    public sealed record RoleRenamed(Guid TenantId, Guid RoleId, string PreviousName, string Name, Actor Actor, DateTimeOffset At) : RoleEvent;

    public sealed record RoleMoved(Guid TenantId, Guid RoleId, Guid? PreviousParentId, Guid? ParentId, Actor Actor, DateTimeOffset At) : RoleEvent;

    public sealed record RoleDeleted(Guid TenantId, Guid RoleId, Actor Actor, DateTimeOffset At) : RoleEvent;
}
