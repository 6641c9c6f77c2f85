using ContactSync.Domain.Common;
using ContactSync.Domain.Tests.Support;
using ContactSync.Domain.Users;
using static ContactSync.Domain.Users.UserCommand;
using static ContactSync.Domain.Users.UserEvent;

namespace ContactSync.Domain.Tests.Users;

public sealed class UserDeciderTests
{
    private readonly Guid tenant = Guid.CreateVersion7();
    private readonly Guid id = Guid.CreateVersion7();
    private readonly Guid key = Guid.CreateVersion7();
    private readonly Actor actor = Fakes.User("Admin");
    private readonly DateTimeOffset at = Fakes.T0;

    private UserCreated Created(bool isAdmin = false) => new(tenant, id, "Ada", "ada@example.com", null, isAdmin, [Permissions.PersonsAdd], actor, at);

    private UserApiKeyAdded KeyAdded => new(tenant, id, key, "hash-1", actor, at);

    private UserDeactivated Deactivated => new(tenant, id, actor, at);

    [Fact]
    public void Creating_a_user_records_clean_name_email_and_canonical_permissions() =>
        Specs.User()
            .When(new CreateUser(tenant, id, " Ada ", " Ada@Example.com ", null, true, [Permissions.OrganizationsAdd, Permissions.PersonsAdd, Permissions.PersonsAdd], actor, at))
            .Then(new UserCreated(tenant, id, "Ada", "Ada@Example.com", null, true, [Permissions.PersonsAdd, Permissions.OrganizationsAdd], actor, at));

    [Fact]
    public void A_user_needs_a_valid_email() =>
        Specs.User().When(new CreateUser(tenant, id, "Ada", "ada@", null, false, [], actor, at)).Throws("user.email-invalid");

    [Fact]
    public void Unknown_permissions_are_refused() =>
        Specs.User().When(new CreateUser(tenant, id, "Ada", "ada@example.com", null, false, ["deals.delete"], actor, at)).Throws("user.permission-unknown");

    [Fact]
    public void Creating_a_user_twice_is_refused() =>
        Specs.User().Given(Created()).When(new CreateUser(tenant, id, "Ada", "ada@example.com", null, false, [], actor, at)).Throws("user.already-exists");

    [Fact]
    public void An_update_records_one_event_per_changed_part_and_nothing_for_unchanged_ones()
    {
        var role = Guid.CreateVersion7();
        Specs.User().Given(Created())
            .When(new UpdateUser(id, actor, at) { Name = "Ada", Email = "ada@analytical.org", RoleId = role, IsAdmin = true, Permissions = new([Permissions.PersonsAdd]) })
            .Then(
                new UserEmailChanged(tenant, id, "ada@example.com", "ada@analytical.org", actor, at),
                new UserRoleChanged(tenant, id, null, role, actor, at),
                new UserAdminChanged(tenant, id, true, actor, at));
    }

    [Fact]
    public void Granting_both_sync_permissions_records_the_previous_set() =>
        Specs.User().Given(Created())
            .When(new UpdateUser(id, actor, at) { Permissions = new([Permissions.OrganizationsAdd, Permissions.PersonsAdd]) })
            .Then(new UserPermissionsChanged(tenant, id, [Permissions.PersonsAdd], [Permissions.PersonsAdd, Permissions.OrganizationsAdd], actor, at));

    [Fact]
    public void Removing_the_role_is_an_explicit_null() =>
        Specs.User().Given(Created() with { RoleId = Guid.Empty }).When(new UpdateUser(id, actor, at) { RoleId = new Optional<Guid?>(null) })
            .Then(new UserRoleChanged(tenant, id, Guid.Empty, null, actor, at));

    [Fact]
    public void Adding_an_api_key_stores_only_its_hash() =>
        Specs.User().Given(Created()).When(new AddApiKey(id, key, "hash-1", actor, at)).Then(KeyAdded);

    [Fact]
    public void Adding_the_same_key_again_is_a_no_op_but_reusing_its_id_is_refused()
    {
        Specs.User().Given(Created(), KeyAdded).When(new AddApiKey(id, key, "hash-1", actor, at)).Then();
        Specs.User().Given(Created(), KeyAdded).When(new AddApiKey(id, key, "hash-2", actor, at)).Throws("user.key-exists");
    }

    [Fact]
    public void An_api_key_needs_a_hash() =>
        Specs.User().Given(Created()).When(new AddApiKey(id, key, " ", actor, at)).Throws("user.key-hash-invalid");

    [Fact]
    public void Revoking_a_key_records_it_once()
    {
        Specs.User().Given(Created(), KeyAdded).When(new RevokeApiKey(id, key, actor, at)).Then(new UserApiKeyRevoked(tenant, id, key, actor, at));
        Specs.User().Given(Created(), KeyAdded, new UserApiKeyRevoked(tenant, id, key, actor, at)).When(new RevokeApiKey(id, key, actor, at)).Then();
    }

    [Fact]
    public void Revoking_an_unknown_key_is_refused() =>
        Specs.User().Given(Created()).When(new RevokeApiKey(id, key, actor, at)).Throws("user.key-not-found");

    [Fact]
    public void Deactivating_records_it_once() =>
        Specs.User().Given(Created(), Deactivated).When(new DeactivateUser(id, actor, at)).Then();

    [Fact]
    public void A_deactivated_user_gets_no_new_keys_or_changes_but_keys_can_still_be_revoked()
    {
        Specs.User().Given(Created(), Deactivated).When(new AddApiKey(id, key, "hash", actor, at)).Throws("user.deactivated");
        Specs.User().Given(Created(), Deactivated).When(new UpdateUser(id, actor, at) { Name = "Bob" }).Throws("user.deactivated");
        Specs.User().Given(Created(), KeyAdded, Deactivated).When(new RevokeApiKey(id, key, actor, at)).Then(new UserApiKeyRevoked(tenant, id, key, actor, at));
    }

    [Fact]
    public void A_key_authenticates_only_while_it_is_unrevoked_and_the_user_active()
    {
        var revokedAt = at.AddMinutes(5);
        var withKey = User.Fold([Created(), KeyAdded]);
        Assert.Equal(new ApiKey(key, "hash-1", at, null), withKey.FindActiveKey("hash-1"));
        Assert.Null(withKey.FindActiveKey("hash-2"));
        Assert.Null(User.Fold([Created(), KeyAdded, new UserApiKeyRevoked(tenant, id, key, actor, revokedAt)]).FindActiveKey("hash-1"));
        Assert.Null(User.Fold([Created(), KeyAdded, Deactivated]).FindActiveKey("hash-1"));
    }
}
