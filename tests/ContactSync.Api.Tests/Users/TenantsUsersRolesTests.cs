using System.Net;
using System.Net.Http.Json;
using ContactSync.Api.Tests.Support;
using ContactSync.Api.Users;
using ContactSync.EventStore.Postgres;
using Npgsql;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Users;

[Collection(ApiCollection.Name)]
public sealed class TenantsUsersRolesTests(ApiFixture api)
{
    [Fact]
    public async Task Creating_a_tenant_answers_the_tenant_its_admin_and_a_working_api_key()
    {
        var email = Email();
        var res = await api.Operator.PostAsJsonAsync("/api/tenants", new { name = "Acme", admin = new { name = "Ann", email } });
        var body = await ReadAsync(res, HttpStatusCode.Created);
        Assert.Equal("Acme", body.GetProperty("tenant").GetProperty("name").GetString());
        var admin = body.GetProperty("admin");
        Assert.True(admin.GetProperty("isAdmin").GetBoolean());
        Assert.Equal(email, admin.GetProperty("email").GetString());
        var key = body.GetProperty("apiKey").GetString()!;
        Assert.StartsWith("csk_", key);
        Assert.True(key.Length >= 80);
        var me = await ReadAsync(await api.Client(key).GetAsync("/api/users/me"), HttpStatusCode.OK);
        Assert.Equal(admin.GetProperty("id").GetGuid(), me.GetProperty("id").GetGuid());
        await ValidationAsync(await api.Operator.PostAsJsonAsync("/api/tenants", new { name = " ", admin = new { name = "", email = "nope" } }),
            "name", "admin.name", "admin.email");
        await ProblemAsync(await api.Operator.PostAsJsonAsync("/api/tenants", new { name = 5 }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_email_reservation_left_by_a_stopped_process_is_taken_over_once_stale_but_a_users_own_never()
    {
        var t = await api.NewTenantAsync();
        var email = Email();
        // What a process that stopped between reserving the address and writing the user leaves behind.
        await using (var dataSource = NpgsqlDataSource.Create(api.ConnectionString))
        {
            var store = new PostgresEventStore(dataSource);
            Assert.True(await EmailReservations.TryReserveAsync(store, t.TenantId, Guid.CreateVersion7(), email,
                TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow, CancellationToken.None));
        }
        // Still fresh: the request that reserved it may be writing its user right now.
        var fresh = await ProblemAsync(await t.Admin.PostAsJsonAsync("/api/users", new { name = "Blocked", email }), HttpStatusCode.Conflict);
        Assert.Equal("user.email-taken", fresh.GetProperty("code").GetString());

        // An instance for which every reservation is stale at once takes it over: its holder never became a user.
        using var eager = api.Client(await api.StartApiAsync(new() { ["ContactSync:Api:EmailReservationStaleSeconds"] = "0" }), t.AdminKey);
        var created = await ReadAsync(await eager.PostAsJsonAsync("/api/users", new { name = "Taken over", email }), HttpStatusCode.Created);
        Assert.Equal(email, created.GetProperty("user").GetProperty("email").GetString());
        // A user who has the address keeps it, however old the reservation.
        await ProblemAsync(await eager.PostAsJsonAsync("/api/users", new { name = "Second", email = email.ToUpperInvariant() }), HttpStatusCode.Conflict);
        var changer = await api.NewUserAsync(t);
        await ProblemAsync(await eager.PatchJsonAsync($"/api/users/{changer.UserId}", new { email }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Users_emails_are_unique_per_tenant_ignoring_case_but_free_across_tenants()
    {
        var t = await api.NewTenantAsync();
        var other = await api.NewTenantAsync();
        var email = Email();
        await ReadAsync(await t.Admin.PostAsJsonAsync("/api/users", new { name = "One", email }), HttpStatusCode.Created);
        var dup = await ProblemAsync(await t.Admin.PostAsJsonAsync("/api/users", new { name = "Two", email = email.ToUpperInvariant() }), HttpStatusCode.Conflict);
        Assert.Equal("user.email-taken", dup.GetProperty("code").GetString());
        await ReadAsync(await other.Admin.PostAsJsonAsync("/api/users", new { name = "Three", email }), HttpStatusCode.Created);

        var changer = await api.NewUserAsync(t);
        var changedFrom = (await ReadAsync(await changer.Client.GetAsync("/api/users/me"), HttpStatusCode.OK)).GetProperty("email").GetString();
        await ProblemAsync(await t.Admin.PatchJsonAsync($"/api/users/{changer.UserId}", new { email }), HttpStatusCode.Conflict);
        var fresh = Email();
        var changed = await ReadAsync(await t.Admin.PatchJsonAsync($"/api/users/{changer.UserId}", new { email = fresh }), HttpStatusCode.OK);
        Assert.Equal(fresh, changed.GetProperty("email").GetString());
        await ReadAsync(await t.Admin.PostAsJsonAsync("/api/users", new { name = "Reuses the old address", email = changedFrom }), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Users_are_validated_and_their_role_must_be_a_role_of_the_tenant()
    {
        var t = await api.NewTenantAsync();
        var other = await api.NewTenantAsync();
        var foreignRole = await other.NewRoleAsync("Foreign");
        await ValidationAsync(await t.Admin.PostAsJsonAsync("/api/users", new { name = "", email = "x" }), "name", "email");
        await ValidationAsync(await t.Admin.PostAsJsonAsync("/api/users", new { name = "R", email = Email(), roleId = foreignRole }), "roleId");
        await ValidationAsync(await t.Admin.PostAsJsonAsync("/api/users", new { name = "P", email = Email(), permissions = new[] { "root" } }), "permissions");
        await ValidationAsync(await t.Admin.PostAsJsonAsync("/api/users", new { name = "A", email = Email(), isAdmin = "yes" }), "isAdmin");
        await ProblemAsync(await t.Admin.PatchJsonAsync($"/api/users/{other.AdminId}", new { name = "Hijack" }), HttpStatusCode.NotFound);
        await ProblemAsync(await t.Admin.PatchJsonAsync($"/api/users/{Guid.NewGuid()}", new { name = "Nobody" }), HttpStatusCode.NotFound);

        var role = await t.NewRoleAsync("Sales");
        var created = await ReadAsync(await t.Admin.PostAsJsonAsync("/api/users",
            new { name = "Sam", email = Email(), roleId = role, permissions = new[] { "persons.add", "organizations.add" } }), HttpStatusCode.Created);
        var user = created.GetProperty("user");
        Assert.Equal(role, user.GetProperty("roleId").GetGuid());
        Assert.Equal(2, user.GetProperty("permissions").GetArrayLength());
        var patched = await ReadAsync(await t.Admin.PatchJsonAsync($"/api/users/{user.GetProperty("id").GetGuid()}", new { roleId = (Guid?)null, name = "Samuel" }), HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, patched.GetProperty("roleId").ValueKind);
        Assert.Equal("Samuel", patched.GetProperty("name").GetString());
        var users = await ReadAsync(await t.Admin.GetAsync("/api/users"), HttpStatusCode.OK);
        Assert.Equal(2, users.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Roles_form_a_tree_within_the_tenant()
    {
        var t = await api.NewTenantAsync();
        var other = await api.NewTenantAsync();
        var top = await t.NewRoleAsync("Top");
        var res = await t.Admin.PostAsJsonAsync("/api/roles", new { name = "Child", parentId = top });
        var child = await ReadAsync(res, HttpStatusCode.Created);
        Assert.Equal(top, child.GetProperty("parentId").GetGuid());
        await ValidationAsync(await t.Admin.PostAsJsonAsync("/api/roles", new { name = "Orphan", parentId = Guid.NewGuid() }), "parentId");
        await ValidationAsync(await other.Admin.PostAsJsonAsync("/api/roles", new { name = "Thief", parentId = top }), "parentId");
        await ValidationAsync(await t.Admin.PostAsJsonAsync("/api/roles", new { name = "" }), "name");
        var roles = await ReadAsync(await t.Admin.GetAsync("/api/roles"), HttpStatusCode.OK);
        Assert.Equal(2, roles.GetProperty("items").GetArrayLength());
        var otherRoles = await ReadAsync(await other.Admin.GetAsync("/api/roles"), HttpStatusCode.OK);
        Assert.Empty(otherRoles.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Keys_are_created_by_the_user_or_an_admin_and_shown_once()
    {
        var t = await api.NewTenantAsync();
        var user = await api.NewUserAsync(t);
        var byAdmin = await ReadAsync(await t.Admin.PostAsync($"/api/users/{user.UserId}/keys", null), HttpStatusCode.Created);
        var key = byAdmin.GetProperty("apiKey").GetString()!;
        var me = await ReadAsync(await api.Client(key).GetAsync("/api/users/me"), HttpStatusCode.OK);
        Assert.Equal(user.UserId, me.GetProperty("id").GetGuid());
        Assert.DoesNotContain(key, me.ToString());
        await ProblemAsync(await t.Admin.PostAsync($"/api/users/{Guid.NewGuid()}/keys", null), HttpStatusCode.NotFound);
    }
}
