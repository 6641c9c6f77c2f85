using ContactSync.Domain.Contacts;
using ContactSync.Domain.Roles;
using ContactSync.Domain.Tests.Support;

namespace ContactSync.Domain.Tests.Contacts;

public sealed class ContactAccessTests
{
    public enum Relation { Owner, Follower, SameRole, DescendantRole, AncestorRole, OtherRole, Admin }

    private static readonly Guid Top = Guid.CreateVersion7();
    private static readonly Guid OwnerRole = Guid.CreateVersion7();
    private static readonly Guid Below = Guid.CreateVersion7();
    private static readonly Guid Other = Guid.CreateVersion7();
    private static readonly RoleTree Roles = new([(Top, null), (OwnerRole, Top), (Below, OwnerRole), (Other, null)]);

    // Rows: relations in enum order; columns: owner, owner-and-followers, owner-role, owner-role-and-below, company.
    private static readonly Dictionary<Relation, bool[]> Expected = new()
    {
        [Relation.Owner] = [true, true, true, true, true],
        [Relation.Follower] = [false, true, true, true, true],
        [Relation.SameRole] = [false, false, true, true, true],
        [Relation.DescendantRole] = [false, false, false, true, true],
        [Relation.AncestorRole] = [false, false, false, false, true],
        [Relation.OtherRole] = [false, false, false, false, true],
        [Relation.Admin] = [true, true, true, true, true],
    };

    public static TheoryData<ContactVisibility, Relation> Matrix()
    {
        var data = new TheoryData<ContactVisibility, Relation>();
        foreach (var level in Enum.GetValues<ContactVisibility>())
        {
            foreach (var relation in Enum.GetValues<Relation>())
            {
                data.Add(level, relation);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Every_level_shows_the_contact_to_exactly_the_right_viewers(ContactVisibility level, Relation relation)
    {
        var owner = Guid.CreateVersion7();
        var follower = Guid.CreateVersion7();
        var contact = Contact.Fold([Fakes.Created(ownerId: owner, visibility: level, followers: [follower])]);
        var viewer = relation switch
        {
            Relation.Owner => new Viewer(contact.TenantId, owner, OwnerRole, false),
            Relation.Follower => new Viewer(contact.TenantId, follower, Other, false),
            Relation.SameRole => new Viewer(contact.TenantId, Guid.CreateVersion7(), OwnerRole, false),
            Relation.DescendantRole => new Viewer(contact.TenantId, Guid.CreateVersion7(), Below, false),
            Relation.AncestorRole => new Viewer(contact.TenantId, Guid.CreateVersion7(), Top, false),
            Relation.OtherRole => new Viewer(contact.TenantId, Guid.CreateVersion7(), Other, false),
            _ => new Viewer(contact.TenantId, Guid.CreateVersion7(), Other, true),
        };

        Assert.Equal(Expected[relation][(int)level], ContactAccess.CanSee(viewer, contact, OwnerRole, Roles));
    }

    [Fact]
    public void Nobody_sees_across_tenants_not_even_an_admin()
    {
        var contact = Contact.Fold([Fakes.Created(visibility: ContactVisibility.Company)]);
        Assert.False(ContactAccess.CanSee(new Viewer(Guid.CreateVersion7(), Guid.CreateVersion7(), null, true), contact, null, Roles));
    }

    [Fact]
    public void Without_roles_on_either_side_role_levels_share_with_nobody()
    {
        var contact = Contact.Fold([Fakes.Created(visibility: ContactVisibility.OwnerRoleAndBelow)]);
        Assert.False(ContactAccess.CanSee(new Viewer(contact.TenantId, Guid.CreateVersion7(), null, false), contact, null, Roles));
        Assert.False(ContactAccess.CanSee(new Viewer(contact.TenantId, Guid.CreateVersion7(), OwnerRole, false), contact, null, Roles));
    }
}
