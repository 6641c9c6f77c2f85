using ContactSync.Domain.Common;
using ContactSync.Domain.Roles;
using ContactSync.Domain.Tests.Support;
using static ContactSync.Domain.Roles.RoleCommand;
using static ContactSync.Domain.Roles.RoleEvent;

namespace ContactSync.Domain.Tests.Roles;

public sealed class RoleDeciderTests
{
    private readonly Guid tenant = Guid.CreateVersion7();
    private readonly Guid id = Guid.CreateVersion7();
    private readonly Guid parent = Guid.CreateVersion7();
    private readonly Guid child = Guid.CreateVersion7();
    private readonly Actor actor = Fakes.User();
    private readonly DateTimeOffset at = Fakes.T0;

    // parent → id → child
    private RoleTree Tree => new([(parent, null), (id, parent), (child, id)]);

    private RoleCreated Created(Guid? parentId = null) => new(tenant, id, "Sales", parentId, actor, at);

    [Fact]
    public void Creating_a_role_under_an_existing_parent_records_it() =>
        Specs.Role().When(new CreateRole(tenant, id, "  Sales ", parent, new RoleTree([(parent, null)]), actor, at))
            .Then(Created(parent));

    [Fact]
    public void A_role_cannot_be_created_under_a_missing_parent() =>
        Specs.Role().When(new CreateRole(tenant, id, "Sales", parent, RoleTree.Empty, actor, at)).Throws("role.parent-not-found");

    [Fact]
    public void A_role_needs_a_name() =>
        Specs.Role().When(new CreateRole(tenant, id, " \t", null, RoleTree.Empty, actor, at)).Throws("name.invalid");

    [Fact]
    public void Creating_a_role_twice_is_refused() =>
        Specs.Role().Given(Created()).When(new CreateRole(tenant, id, "Sales", null, RoleTree.Empty, actor, at)).Throws("role.already-exists");

    [Fact]
    public void Renaming_records_the_previous_name() =>
        Specs.Role().Given(Created()).When(new RenameRole(id, "Field sales", actor, at))
            .Then(new RoleRenamed(tenant, id, "Sales", "Field sales", actor, at));

    [Fact]
    public void Renaming_to_the_same_name_is_a_no_op() =>
        Specs.Role().Given(Created()).When(new RenameRole(id, "Sales ", actor, at)).Then();

    [Fact]
    public void Moving_a_role_under_another_records_old_and_new_parent()
    {
        var other = Guid.CreateVersion7();
        Specs.Role().Given(Created(parent)).When(new MoveRole(id, other, new RoleTree([(parent, null), (id, parent), (other, null)]), actor, at))
            .Then(new RoleMoved(tenant, id, parent, other, actor, at));
    }

    [Fact]
    public void Moving_a_role_to_the_top_of_the_tree_is_allowed() =>
        Specs.Role().Given(Created(parent)).When(new MoveRole(id, null, Tree, actor, at)).Then(new RoleMoved(tenant, id, parent, null, actor, at));

    [Fact]
    public void A_role_cannot_be_its_own_parent() =>
        Specs.Role().Given(Created(parent)).When(new MoveRole(id, id, Tree, actor, at)).Throws("role.cycle");

    [Fact]
    public void A_role_cannot_be_moved_below_its_own_descendant() =>
        Specs.Role().Given(Created(parent)).When(new MoveRole(id, child, Tree, actor, at)).Throws("role.cycle");

    [Fact]
    public void A_role_with_children_cannot_be_deleted() =>
        Specs.Role().Given(Created(parent)).When(new DeleteRole(id, Tree, 0, actor, at)).Throws("role.has-children");

    [Fact]
    public void A_role_still_assigned_to_users_cannot_be_deleted() =>
        Specs.Role().Given(Created()).When(new DeleteRole(id, new RoleTree([(id, null)]), 3, actor, at)).Throws("role.in-use");

    [Fact]
    public void An_unused_leaf_role_can_be_deleted_once() =>
        Specs.Role().Given(Created()).When(new DeleteRole(id, new RoleTree([(id, null)]), 0, actor, at)).Then(new RoleDeleted(tenant, id, actor, at));

    [Fact]
    public void Deleting_a_deleted_role_is_a_no_op_and_renaming_it_is_refused()
    {
        Specs.Role().Given(Created(), new RoleDeleted(tenant, id, actor, at)).When(new DeleteRole(id, RoleTree.Empty, 0, actor, at)).Then();
        Specs.Role().Given(Created(), new RoleDeleted(tenant, id, actor, at)).When(new RenameRole(id, "X", actor, at)).Throws("role.deleted");
    }

    [Fact]
    public void The_role_tree_knows_descendants_and_survives_a_corrupted_cycle()
    {
        Assert.Equal(new HashSet<Guid> { id, child }, Tree.SelfAndDescendants(id));
        Assert.True(Tree.IsAtOrBelow(child, parent));
        Assert.False(Tree.IsAtOrBelow(parent, child));

        var a = Guid.CreateVersion7();
        var b = Guid.CreateVersion7();
        Assert.False(new RoleTree([(a, b), (b, a)]).IsAtOrBelow(a, Guid.CreateVersion7()));
    }
}
