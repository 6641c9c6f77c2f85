using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Roles;
using ContactSync.Domain.Tenants;
using ContactSync.Domain.Users;

namespace ContactSync.Projector.Audit;

/// <summary>
/// The <c>{field, from, to}</c> changes of any domain event: contacts through the domain's
/// <see cref="ContactHistory.ChangesOf"/>, the other aggregates from the before/after values their events carry.
/// </summary>
internal static class EntityChanges
{
    public static IReadOnlyList<FieldChange> Of(object e) => e switch
    {
        ContactEvent c => ContactHistory.ChangesOf(c),
        TenantEvent.TenantCreated t => [Set("name", t.Name), Set("defaultVisibility", t.DefaultVisibility)],
        TenantEvent.TenantRenamed t => [Change("name", t.PreviousName, t.Name)],
        TenantEvent.TenantDefaultVisibilityChanged t => [Change("defaultVisibility", t.PreviousDefaultVisibility, t.DefaultVisibility)],
        RoleEvent.RoleCreated r => [Set("name", r.Name), Set("parentId", r.ParentId)],
        RoleEvent.RoleRenamed r => [Change("name", r.PreviousName, r.Name)],
        RoleEvent.RoleMoved r => [Change("parentId", r.PreviousParentId, r.ParentId)],
        RoleEvent.RoleDeleted => [Change("deleted", false, true)],
        UserEvent.UserCreated u =>
            [Set("name", u.Name), Set("email", u.Email), Set("roleId", u.RoleId), Set("isAdmin", u.IsAdmin), Set("permissions", u.Permissions)],
        UserEvent.UserRenamed u => [Change("name", u.PreviousName, u.Name)],
        UserEvent.UserEmailChanged u => [Change("email", u.PreviousEmail, u.Email)],
        UserEvent.UserRoleChanged u => [Change("roleId", u.PreviousRoleId, u.RoleId)],
        UserEvent.UserAdminChanged u => [Change("isAdmin", !u.IsAdmin, u.IsAdmin)],
        UserEvent.UserPermissionsChanged u => [Change("permissions", u.PreviousPermissions, u.Permissions)],
        // Only the key id: the hash is a credential verifier and has no place in an audit trail.
        UserEvent.UserApiKeyAdded u => [Change("apiKeys", (Guid?)null, (Guid?)u.KeyId)],
        UserEvent.UserApiKeyRevoked u => [Change("apiKeys", (Guid?)u.KeyId, (Guid?)null)],
        UserEvent.UserDeactivated => [Change("active", true, false)],
        ListEvent.ListCreated l => [Set("name", l.Name), Set("filter", l.Filter)],
        ListEvent.ListRenamed l => [Change("name", l.PreviousName, l.Name)],
        ListEvent.ListFilterChanged l => [Change("filter", l.PreviousFilter, l.Filter)],
        ListEvent.ListDeleted => [Change("deleted", false, true)],
        _ => [],
    };

    private static FieldChange Set<T>(string field, T to) => new(field, ContactChanges.ToJson<object?>(null), ContactChanges.ToJson(to));

    private static FieldChange Change<T>(string field, T from, T to) => new(field, ContactChanges.ToJson(from), ContactChanges.ToJson(to));
}
