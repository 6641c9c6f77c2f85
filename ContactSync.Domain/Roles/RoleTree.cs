namespace ContactSync.Domain.Roles;

/// <summary>
/// A snapshot of a tenant's role tree (role id → parent id), read by the caller from the roles read model and
/// handed to the deciders and to <see cref="Contacts.ContactAccess"/>. Walks are guarded against cycles, so even a
/// corrupted snapshot cannot loop.
/// </summary>
public sealed class RoleTree
{
    private readonly Dictionary<Guid, Guid?> parents;

    public RoleTree(IEnumerable<(Guid RoleId, Guid? ParentId)> roles) =>
        parents = roles.ToDictionary(r => r.RoleId, r => r.ParentId);

    public static RoleTree Empty { get; } = new([]);

    public bool Contains(Guid roleId) => parents.ContainsKey(roleId);

    public Guid? ParentOf(Guid roleId) => parents.GetValueOrDefault(roleId);

    public IEnumerable<Guid> ChildrenOf(Guid roleId) => parents.Where(p => p.Value == roleId).Select(p => p.Key);

    /// <summary>True when <paramref name="roleId"/> is <paramref name="ancestorId"/> or lies anywhere below it.</summary>
    public bool IsAtOrBelow(Guid roleId, Guid ancestorId)
    {
        var seen = new HashSet<Guid>();
        for (Guid? current = roleId; current is { } id && seen.Add(id); current = ParentOf(id))
        {
            if (id == ancestorId)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The role and all its descendants (what "owner-role-and-below" reaches).</summary>
    public IReadOnlySet<Guid> SelfAndDescendants(Guid roleId) =>
        parents.Keys.Where(r => IsAtOrBelow(r, roleId)).Append(roleId).ToHashSet();
}
