using ContactSync.Domain.Common;
using ContactSync.Domain.Validation;
using static ContactSync.Domain.Roles.RoleCommand;
using static ContactSync.Domain.Roles.RoleEvent;

namespace ContactSync.Domain.Roles;

/// <summary>
/// Role commands. Tree rules span several role streams, so commands carry a <see cref="RoleTree"/> snapshot of the
/// tenant's roles and, for deletion, how many users hold the role (both from read models). Two concurrent moves
/// can still race past a snapshot; callers that need a hard guarantee serialise tree changes per tenant.
/// </summary>
public abstract record RoleCommand
{
    private RoleCommand() { }

    public sealed record CreateRole(Guid TenantId, Guid RoleId, string Name, Guid? ParentId, RoleTree Tree, Actor Actor, DateTimeOffset At) : RoleCommand;

    public sealed record RenameRole(Guid RoleId, string Name, Actor Actor, DateTimeOffset At) : RoleCommand;

    public sealed record MoveRole(Guid RoleId, Guid? ParentId, RoleTree Tree, Actor Actor, DateTimeOffset At) : RoleCommand;

    public sealed record DeleteRole(Guid RoleId, RoleTree Tree, int AssignedUserCount, Actor Actor, DateTimeOffset At) : RoleCommand;
}

public static class RoleDecider
{
    /// <summary>The decider as one value, for the command handler.</summary>
    public static readonly Decider<RoleCommand, RoleEvent, Role> Definition = new(Decide, Role.Evolve, Role.Initial, s => s.Version);

    public static IReadOnlyList<RoleEvent> Decide(RoleCommand command, Role state) =>
        (command, state) switch
        {
            (CreateRole c, { Exists: false }) => [new RoleCreated(c.TenantId, c.RoleId, EntityNames.Require(c.Name), CheckParent(c.RoleId, c.ParentId, c.Tree), c.Actor, c.At)],
            (CreateRole, _) => throw new DomainRuleViolation("role.already-exists", "A role with this id already exists."),
            (_, { Exists: false }) => throw new DomainRuleViolation("role.not-found", "The role does not exist."),
            (DeleteRole, { Deleted: true }) => [],
            (_, { Deleted: true }) => throw new DomainRuleViolation("role.deleted", "The role is deleted."),
            (RenameRole c, _) when EntityNames.Require(c.Name) == state.Name => [],
            (RenameRole c, _) => [new RoleRenamed(state.TenantId, state.Id, state.Name, EntityNames.Require(c.Name), c.Actor, c.At)],
            (MoveRole c, _) when c.ParentId == state.ParentId => [],
            (MoveRole c, _) => [new RoleMoved(state.TenantId, state.Id, state.ParentId, CheckParent(state.Id, c.ParentId, c.Tree), c.Actor, c.At)],
            (DeleteRole c, _) when c.Tree.ChildrenOf(state.Id).Any() =>
                throw new DomainRuleViolation("role.has-children", "Move or delete the roles below this one first."),
            (DeleteRole c, _) when c.AssignedUserCount > 0 =>
                throw new DomainRuleViolation("role.in-use", $"The role is still assigned to {c.AssignedUserCount} user(s)."),
            (DeleteRole c, _) => [new RoleDeleted(state.TenantId, state.Id, c.Actor, c.At)],
            _ => throw new InvalidOperationException($"Unhandled role command {command.GetType().Name}."),
        };

    private static Guid? CheckParent(Guid roleId, Guid? parentId, RoleTree tree)
    {
        if (parentId is not { } parent)
        {
            return null;
        }
        if (parent == roleId)
        {
            throw new DomainRuleViolation("role.cycle", "A role cannot be its own parent.");
        }
        if (!tree.Contains(parent))
        {
            throw new DomainRuleViolation("role.parent-not-found", "The parent role does not exist.");
        }
        if (tree.IsAtOrBelow(parent, roleId))
        {
            throw new DomainRuleViolation("role.cycle", "A role cannot be moved below one of its own descendants.");
        }
        return parent;
    }
}
