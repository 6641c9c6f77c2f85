using ContactSync.Domain.Contacts;
using ContactSync.Domain.Roles;
using ContactSync.Domain.Tenants;
using ContactSync.Domain.Users;

namespace ContactSync.Projector.Directory;

internal sealed record TenantRow(Guid TenantId, string Name, string DefaultVisibility, DateTimeOffset CreatedAt, long Version)
{
    public Tenant ToState() => new(TenantId, Name,
        ContactVisibilityNames.TryParse(DefaultVisibility, out var v) ? v : Tenant.InitialDefaultVisibility, CreatedAt, Version);

    public static TenantRow From(Tenant t) => new(t.Id, t.Name, t.DefaultVisibility.ToName(), t.CreatedAt, t.Version);
}

internal sealed record RoleRow(Guid RoleId, Guid TenantId, string Name, Guid? ParentId, bool Deleted, long Version)
{
    public Role ToState() => new(RoleId, TenantId, Name, ParentId, Deleted, Version);

    public static RoleRow From(Role r) => new(r.Id, r.TenantId, r.Name, r.ParentId, r.Deleted, r.Version);
}

/// <summary>API keys live in their own table, so a user's state is folded without them (key events only bump the version).</summary>
internal sealed record UserRow(
    Guid UserId, Guid TenantId, string Name, string Email, Guid? RoleId, bool IsAdmin, string[] Permissions, bool Active, long Version)
{
    public User ToState() => new(UserId, TenantId, Name, Email, RoleId, IsAdmin, Permissions, [], Active, Version);

    public static UserRow From(User u) => new(u.Id, u.TenantId, u.Name, u.Email, u.RoleId, u.IsAdmin, [.. u.Permissions], u.Active, u.Version);
}

internal sealed record ApiKeyRow(string KeyId, Guid TenantId, Guid UserId, string Hash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
