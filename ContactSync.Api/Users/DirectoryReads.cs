using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Roles;
using Npgsql;
using NpgsqlTypes;

namespace ContactSync.Api.Users;

/// <summary>
/// Cross-stream checks against the <c>directory</c> read model that commands need before they are built: do the
/// referenced users and roles exist in the caller's tenant, the role tree, the owner's role, the tenant default.
/// </summary>
public sealed class DirectoryReads(ReadModelDb db)
{
    public async Task<RoleTree> RoleTreeAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT role_id, parent_id FROM rm.roles WHERE tenant_id = $1 AND NOT deleted");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var roles = new List<(Guid, Guid?)>();
        while (await r.ReadAsync(ct)) roles.Add((r.GetGuid(0), r.IsDBNull(1) ? null : r.GetGuid(1)));
        return new RoleTree(roles);
    }

    /// <summary>The role of a user of the tenant (null when the user has none or is unknown).</summary>
    public async Task<Guid?> RoleOfAsync(Guid tenantId, Guid userId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT role_id FROM rm.users WHERE tenant_id = $1 AND user_id = $2");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        return await cmd.ExecuteScalarAsync(ct) is Guid role ? role : null;
    }

    /// <summary>Which of <paramref name="userIds"/> are active users of the tenant.</summary>
    public async Task<HashSet<Guid>> ActiveUsersAsync(Guid tenantId, IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        var found = new HashSet<Guid>();
        if (userIds.Count == 0) return found;
        await using var cmd = db.CreateCommand("SELECT user_id FROM rm.users WHERE tenant_id = $1 AND user_id = ANY($2) AND active");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. userIds] });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) found.Add(r.GetGuid(0));
        return found;
    }

    public async Task<bool> RoleExistsAsync(Guid tenantId, Guid roleId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT 1 FROM rm.roles WHERE tenant_id = $1 AND role_id = $2 AND NOT deleted");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = roleId });
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    public async Task<ContactVisibility> DefaultVisibilityAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT default_visibility FROM rm.tenants WHERE tenant_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        return await cmd.ExecuteScalarAsync(ct) is string name && ContactVisibilityNames.TryParse(name, out var v)
            ? v : Domain.Tenants.Tenant.InitialDefaultVisibility;
    }

    /// <summary>Can the viewer see a contact folded from its stream (same rule as the read-model SQL).</summary>
    public async Task<bool> CanSeeAsync(Viewer viewer, Contact contact, CancellationToken ct)
    {
        if (!contact.Exists || contact.TenantId != viewer.TenantId) return false;
        if (viewer.IsAdmin || viewer.UserId == contact.OwnerId || contact.Visibility == ContactVisibility.Company) return true;
        var ownerRole = await RoleOfAsync(viewer.TenantId, contact.OwnerId, ct);
        var tree = contact.Visibility == ContactVisibility.OwnerRoleAndBelow ? await RoleTreeAsync(viewer.TenantId, ct) : RoleTree.Empty;
        return ContactAccess.CanSee(viewer, contact, ownerRole, tree);
    }

    internal static NpgsqlParameter Nullable(NpgsqlDbType type, object? value) => new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };
}
