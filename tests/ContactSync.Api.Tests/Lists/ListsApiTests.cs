using System.Net;
using System.Net.Http.Json;
using ContactSync.Api.Tests.Support;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Lists;

[Collection(ApiCollection.Name)]
public sealed class ListsApiTests(ApiFixture api)
{
    [Fact]
    public async Task A_list_shows_its_matching_contacts_that_the_caller_may_see()
    {
        var t = await api.NewTenantAsync();
        var user = await api.NewUserAsync(t);
        var shared = (await t.Admin.NewContactAsync(new { name = new { given = "Shared" }, tags = new[] { "vip" }, visibility = "company" })).GetProperty("id").GetGuid();
        await t.Admin.NewContactAsync(new { name = new { given = "Private" }, tags = new[] { "vip" }, visibility = "owner" });
        await t.Admin.NewContactAsync(new { name = new { given = "Other" }, tags = new[] { "regular" }, visibility = "company" });

        var res = await user.Client.PostAsJsonAsync("/api/lists", new { name = "VIPs", filter = new { tags = new[] { "VIP" } } });
        var list = await ReadAsync(res, HttpStatusCode.Created);
        var id = list.GetProperty("id").GetGuid();
        Assert.Equal(user.UserId, list.GetProperty("createdBy").GetGuid());
        Assert.Equal($"/api/lists/{id}", res.Headers.Location?.OriginalString);

        var forUser = await ReadAsync(await user.Client.GetAsync($"/api/lists/{id}/contacts"), HttpStatusCode.OK);
        Assert.Equal(shared, Assert.Single(forUser.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        var forAdmin = await ReadAsync(await t.Admin.GetAsync($"/api/contacts?listId={id}"), HttpStatusCode.OK);
        Assert.Equal(2, forAdmin.GetProperty("items").GetArrayLength());
        var lists = await ReadAsync(await t.Admin.GetAsync("/api/lists"), HttpStatusCode.OK);
        Assert.Single(lists.GetProperty("items").EnumerateArray());
        var one = await ReadAsync(await t.Admin.GetAsync($"/api/lists/{id}"), HttpStatusCode.OK);
        Assert.Equal("VIPs", one.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Only_the_creator_or_an_admin_changes_or_deletes_a_list_and_other_tenants_see_404()
    {
        var t = await api.NewTenantAsync();
        var other = await api.NewTenantAsync();
        var creator = await api.NewUserAsync(t);
        var stranger = await api.NewUserAsync(t);
        var id = (await ReadAsync(await creator.Client.PostAsJsonAsync("/api/lists", new { name = "Mine" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await ProblemAsync(await stranger.Client.PatchJsonAsync($"/api/lists/{id}", new { name = "Theirs" }), HttpStatusCode.Forbidden);
        await ProblemAsync(await stranger.Client.DeleteAsync($"/api/lists/{id}"), HttpStatusCode.Forbidden);
        await ProblemAsync(await other.Admin.GetAsync($"/api/lists/{id}"), HttpStatusCode.NotFound);
        await ProblemAsync(await other.Admin.PatchJsonAsync($"/api/lists/{id}", new { name = "X" }), HttpStatusCode.NotFound);
        var renamed = await ReadAsync(await creator.Client.PatchJsonAsync($"/api/lists/{id}", new { name = "Ours", filter = new { company = "Acme" } }), HttpStatusCode.OK);
        Assert.Equal("Ours", renamed.GetProperty("name").GetString());
        Assert.Equal("Acme", renamed.GetProperty("filter").GetProperty("company").GetString());
        await ValidationAsync(await creator.Client.PatchJsonAsync($"/api/lists/{id}", new { filter = new { ownerIds = new[] { other.AdminId } } }), "filter.ownerIds");
        await ValidationAsync(await creator.Client.PostAsJsonAsync("/api/lists", new { name = "" }), "name");
        Assert.Equal(HttpStatusCode.NoContent, (await t.Admin.DeleteAsync($"/api/lists/{id}")).StatusCode);
        await ProblemAsync(await creator.Client.GetAsync($"/api/lists/{id}"), HttpStatusCode.NotFound);
        await ProblemAsync(await creator.Client.GetAsync($"/api/lists/{id}/contacts"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Lists_and_users_page_with_cursors()
    {
        var t = await api.NewTenantAsync();
        for (var i = 0; i < 3; i++)
        {
            await ReadAsync(await t.Admin.PostAsJsonAsync("/api/lists", new { name = $"List {i}" }), HttpStatusCode.Created);
            await api.NewUserAsync(t);
        }
        foreach (var path in new[] { "/api/lists", "/api/users" })
        {
            var ids = new List<Guid>();
            string? cursor = null;
            var pages = 0;
            do
            {
                var page = await ReadAsync(await t.Admin.GetAsync($"{path}?limit=2" + (cursor is null ? "" : "&cursor=" + cursor)), HttpStatusCode.OK);
                ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
                cursor = page.GetProperty("nextCursor").GetString();
                pages++;
            } while (cursor is not null);
            Assert.Equal(path == "/api/lists" ? 3 : 4, ids.Distinct().Count());
            Assert.Equal(2, pages);
            await ValidationAsync(await t.Admin.GetAsync($"{path}?cursor=Yzp4"), "cursor");
        }
    }
}
