using ContactSync.Domain.Roles;

namespace ContactSync.Domain.Contacts;

/// <summary>
/// Who may see a contact. Seeing is editing: whoever can see a contact can also change it (product rule), and
/// whoever cannot gets 404, never a hint that it exists. The levels are nested, each widening the one before:
/// <list type="bullet">
/// <item><c>owner</c>: the owner.</item>
/// <item><c>owner-and-followers</c>: plus the followers.</item>
/// <item><c>owner-role</c>: plus every user whose role is exactly the owner's role.</item>
/// <item><c>owner-role-and-below</c>: plus every user whose role is the owner's role or a descendant of it.</item>
/// <item><c>company</c>: every user of the tenant.</item>
/// </list>
/// Tenant admins see every contact of their tenant; nobody sees across tenants. An owner without a role shares
/// role-based visibility with nobody; a viewer without a role gains nothing from role levels.
/// </summary>
public static class ContactAccess
{
    /// <param name="ownerRoleId">The owner's current role, looked up by the caller (it changes with the user, not the contact).</param>
    public static bool CanSee(Viewer viewer, Contact contact, Guid? ownerRoleId, RoleTree roles) =>
        CanSee(viewer, contact.TenantId, contact.OwnerId, contact.FollowerIds, contact.Visibility, ownerRoleId, roles);

    /// <summary>The same rule over plain values, for read models that do not hold a <see cref="Contact"/>.</summary>
    public static bool CanSee(
        Viewer viewer, Guid tenantId, Guid ownerId, IReadOnlyCollection<Guid> followerIds, ContactVisibility visibility,
        Guid? ownerRoleId, RoleTree roles)
    {
        if (viewer.TenantId != tenantId)
        {
            return false;
        }
        if (viewer.IsAdmin || viewer.UserId == ownerId || visibility == ContactVisibility.Company)
        {
            return true;
        }
        var sameRole = viewer.RoleId is { } role && role == ownerRoleId;
        return visibility switch
        {
            ContactVisibility.Owner => false,
            ContactVisibility.OwnerAndFollowers => followerIds.Contains(viewer.UserId),
            ContactVisibility.OwnerRole => followerIds.Contains(viewer.UserId) || sameRole,
            ContactVisibility.OwnerRoleAndBelow => followerIds.Contains(viewer.UserId) ||
                (viewer.RoleId is { } viewerRole && ownerRoleId is { } top && roles.IsAtOrBelow(viewerRole, top)),
            _ => false,
        };
    }
}
