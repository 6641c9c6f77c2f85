using System.Net;
using System.Net.Http.Json;
using ContactSync.Api.Tests.Support;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Contacts;

/// <summary>
/// Every visibility level against every relation of the viewer to the contact, for every way of reaching a contact
/// (get, list, history, patch, delete). Not visible must look exactly like missing: 404, and nothing changes.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class VisibilityMatrixTests(ApiFixture api)
{
    public static readonly string[] Levels = ["owner", "owner-and-followers", "owner-role", "owner-role-and-below", "company"];

    // Which levels each relation can see (nested levels: index of the narrowest visible one).
    private static readonly Dictionary<string, int> NarrowestVisible = new()
    {
        ["owner"] = 0, ["follower"] = 1, ["same-role"] = 2, ["descendant-role"] = 3,
        ["ancestor-role"] = 4, ["other-role"] = 4, ["admin"] = 0, ["other-tenant"] = 5,
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var level in Levels)
            foreach (var relation in NarrowestVisible.Keys)
                data.Add(level, relation);
        return data;
    }

    private sealed record World(TenantHandle Tenant, Dictionary<string, UserHandle> Users);

    private Task<World> WorldAsync() => api.SharedAsync("visibility-world", async () =>
    {
        var t = await api.NewTenantAsync();
        var top = await t.NewRoleAsync("Top");
        var mid = await t.NewRoleAsync("Middle", top);
        var low = await t.NewRoleAsync("Low", mid);
        var other = await t.NewRoleAsync("Other");
        var outsider = await api.NewTenantAsync();
        var users = new Dictionary<string, UserHandle>
        {
            ["owner"] = await api.NewUserAsync(t, mid),
            ["follower"] = await api.NewUserAsync(t, other),
            ["same-role"] = await api.NewUserAsync(t, mid),
            ["descendant-role"] = await api.NewUserAsync(t, low),
            ["ancestor-role"] = await api.NewUserAsync(t, top),
            ["other-role"] = await api.NewUserAsync(t, other),
            ["admin"] = await api.NewUserAsync(t, isAdmin: true),
            ["other-tenant"] = new UserHandle(outsider.AdminId, outsider.AdminKey, outsider.Admin),
        };
        return new World(t, users);
    });

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_viewer_reaches_a_contact_exactly_when_the_visibility_rule_allows(string level, string relation)
    {
        var world = await WorldAsync();
        var owner = world.Users["owner"];
        var viewer = world.Users[relation].Client;
        var tag = "vis" + Guid.NewGuid().ToString("N")[..10];
        var contact = await owner.Client.NewContactAsync(new
        {
            name = new { given = $"{level} {relation}" }, tags = new[] { tag }, visibility = level, followerIds = new[] { world.Users["follower"].UserId },
        });
        var id = contact.GetProperty("id").GetGuid();
        var visible = Array.IndexOf(Levels, level) >= NarrowestVisible[relation];

        var get = await viewer.GetAsync($"/api/contacts/{id}");
        var list = await ReadAsync(await viewer.GetAsync($"/api/contacts?tag={tag}"), HttpStatusCode.OK);
        var history = await viewer.GetAsync($"/api/contacts/{id}/history");
        var patch = await viewer.PatchJsonAsync($"/api/contacts/{id}", new { notes = "seen by " + relation });
        if (visible)
        {
            await ReadAsync(get, HttpStatusCode.OK);
            Assert.Single(list.GetProperty("items").EnumerateArray());
            await ReadAsync(history, HttpStatusCode.OK);
            await ReadAsync(patch, HttpStatusCode.OK);
        }
        else
        {
            await ProblemAsync(get, HttpStatusCode.NotFound);
            Assert.Empty(list.GetProperty("items").EnumerateArray());
            await ProblemAsync(history, HttpStatusCode.NotFound);
            await ProblemAsync(patch, HttpStatusCode.NotFound);
        }

        var delete = await viewer.DeleteAsync($"/api/contacts/{id}");
        Assert.Equal(visible ? HttpStatusCode.NoContent : HttpStatusCode.NotFound, delete.StatusCode);
        var after = await ReadAsync(await owner.Client.GetAsync($"/api/contacts/{id}?includeDeleted=true"), HttpStatusCode.OK);
        Assert.Equal(visible, after.GetProperty("deleted").GetBoolean());
        Assert.Equal(visible ? 2 : 0, after.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Changing_a_users_role_changes_what_they_see()
    {
        var world = await WorldAsync();
        var t = world.Tenant;
        var mover = await api.NewUserAsync(t);
        var owner = world.Users["owner"];
        var id = (await owner.Client.NewContactAsync(new { name = new { given = "Role mover" }, visibility = "owner-role" })).GetProperty("id").GetGuid();
        await ProblemAsync(await mover.Client.GetAsync($"/api/contacts/{id}"), HttpStatusCode.NotFound);
        var me = await ReadAsync(await owner.Client.GetAsync("/api/users/me"), HttpStatusCode.OK);
        await ReadAsync(await t.Admin.PatchJsonAsync($"/api/users/{mover.UserId}", new { roleId = me.GetProperty("roleId").GetGuid() }), HttpStatusCode.OK);
        await ReadAsync(await mover.Client.GetAsync($"/api/contacts/{id}"), HttpStatusCode.OK);
    }
}
