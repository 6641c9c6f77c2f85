namespace ContactSync.Domain.Roles;

/// <summary>A role of a tenant's role tree. <see cref="Version"/> is the stream revision of the last event folded.</summary>
public sealed record Role(Guid Id, Guid TenantId, string Name, Guid? ParentId, bool Deleted, long Version)
{
    public static readonly Role Initial = new(Guid.Empty, Guid.Empty, "", null, false, -1);

    public bool Exists => Version >= 0;

    public static Role Evolve(Role state, RoleEvent @event) =>
        ((state, @event) switch
        {
            (_, RoleEvent.RoleCreated e) => new Role(e.RoleId, e.TenantId, e.Name, e.ParentId, false, state.Version),
            (_, RoleEvent.RoleRenamed e) => state with { Name = e.Name },
            (_, RoleEvent.RoleMoved e) => state with { ParentId = e.ParentId },
            (_, RoleEvent.RoleDeleted) => state with { Deleted = true },
            _ => state,
        }) with
        { Version = state.Version + 1 };

    public static Role Fold(IEnumerable<RoleEvent> events) => events.Aggregate(Initial, Evolve);
}
