using ContactSync.Domain.Contacts;
using ContactSync.Domain.Roles;
using ContactSync.Domain.Tenants;
using ContactSync.Domain.Users;
using ContactSync.Projector.Tests.Support;
using ContactSync.Testing;

namespace ContactSync.Projector.Tests.Directory;

[Collection(PostgresCollection.Name)]
public sealed class DirectoryProjectionTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Tenants_roles_users_and_api_keys_are_projected_with_their_latest_state()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        await scope.StartProjectorAsync();
        var w = scope.Writer;
        var tenant = await w.NewTenantAsync("Acme");
        await w.Tenant(tenant, new TenantCommand.RenameTenant(tenant, "Acme Ltd", DomainWriter.Admin, w.Tick()));
        await w.Tenant(tenant, new TenantCommand.ChangeDefaultVisibility(tenant, ContactVisibility.Company, DomainWriter.Admin, w.Tick()));
        var (sales, emea) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await w.Role(sales, new RoleCommand.CreateRole(tenant, sales, "Sales", null, RoleTree.Empty, DomainWriter.Admin, w.Tick()));
        await w.Role(emea, new RoleCommand.CreateRole(tenant, emea, "EMEA", sales, new RoleTree([(sales, null)]), DomainWriter.Admin, w.Tick()));
        await w.Role(emea, new RoleCommand.RenameRole(emea, "Europe", DomainWriter.Admin, w.Tick()));
        var user = Guid.CreateVersion7();
        await w.User(user, new UserCommand.CreateUser(tenant, user, "Ada", "ada@example.com", emea, false, [Permissions.PersonsAdd], DomainWriter.Admin, w.Tick()));
        var (key1, key2) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await w.User(user, new UserCommand.AddApiKey(user, key1, new string('a', 64), DomainWriter.Admin, w.Tick()));
        await w.User(user, new UserCommand.AddApiKey(user, key2, new string('b', 64), DomainWriter.Admin, w.Tick()));
        await w.User(user, new UserCommand.RevokeApiKey(user, key1, DomainWriter.Admin, w.Tick()));
        await w.User(user, new UserCommand.UpdateUser(user, DomainWriter.Admin, w.Tick()) { Email = "ada@acme.example", IsAdmin = true });

        await scope.WaitForProjectionsAsync("directory");

        var t = Assert.Single(await scope.RowsAsync("SELECT name, default_visibility, version FROM rm.tenants WHERE tenant_id = $1", tenant));
        Assert.Equal(["Acme Ltd", "company", 2L], t);
        var roles = await scope.RowsAsync("SELECT name, parent_id, deleted FROM rm.roles WHERE tenant_id = $1 ORDER BY name", tenant);
        Assert.Equal([["Europe", sales, false], ["Sales", null, false]], roles);
        var u = Assert.Single(await scope.RowsAsync(
            "SELECT name, email, role_id, is_admin, permissions, active, version FROM rm.users WHERE user_id = $1", user));
        Assert.Equal(["Ada", "ada@acme.example", emea, true, new[] { "persons.add" }, true, 5L], u);
        var keys = await scope.RowsAsync("SELECT key_id, hash, revoked_at IS NOT NULL FROM rm.api_keys WHERE user_id = $1 ORDER BY hash", user);
        Assert.Equal([[key1.ToString(), new string('a', 64), true], [key2.ToString(), new string('b', 64), false]], keys);
    }

    [Fact]
    public async Task A_deactivated_user_and_a_deleted_role_stay_as_rows_with_their_flags()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        await scope.StartProjectorAsync();
        var w = scope.Writer;
        var tenant = await w.NewTenantAsync();
        var role = Guid.CreateVersion7();
        await w.Role(role, new RoleCommand.CreateRole(tenant, role, "Temp", null, RoleTree.Empty, DomainWriter.Admin, w.Tick()));
        await w.Role(role, new RoleCommand.DeleteRole(role, new RoleTree([(role, null)]), 0, DomainWriter.Admin, w.Tick()));
        var user = Guid.CreateVersion7();
        await w.User(user, new UserCommand.CreateUser(tenant, user, "Bob", "bob@example.com", null, false, [], DomainWriter.Admin, w.Tick()));
        await w.User(user, new UserCommand.DeactivateUser(user, DomainWriter.Admin, w.Tick()));

        await scope.WaitForProjectionsAsync("directory");

        Assert.True(await scope.ScalarAsync<bool>("SELECT deleted FROM rm.roles WHERE role_id = $1", role));
        Assert.False(await scope.ScalarAsync<bool>("SELECT active FROM rm.users WHERE user_id = $1", user));
    }
}
