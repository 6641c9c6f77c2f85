using System.Net;
using System.Text.Json;
using ContactSync.Api.Tests.Support;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Contacts;

[Collection(ApiCollection.Name)]
public sealed class HistoryTests(ApiFixture api)
{
    [Fact]
    public async Task History_lists_every_change_with_actor_and_field_level_before_and_after_in_pages()
    {
        var t = await api.NewTenantAsync();
        var id = (await t.Admin.NewContactAsync(new { name = new { given = "Hist" }, company = "Old" })).GetProperty("id").GetGuid();
        await ReadAsync(await t.Admin.PatchJsonAsync($"/api/contacts/{id}", new { company = "New" }), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await t.Admin.DeleteAsync($"/api/contacts/{id}")).StatusCode);
        await ReadAsync(await t.Admin.PostAsync($"/api/contacts/{id}/restore", null), HttpStatusCode.OK);

        var all = await ReadAsync(await t.Admin.GetAsync($"/api/contacts/{id}/history"), HttpStatusCode.OK);
        var items = all.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["ContactCreated.v1", "ContactUpdated.v1", "ContactDeleted.v1", "ContactRestored.v1"], items.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal([0L, 1L, 2L, 3L], items.Select(i => i.GetProperty("version").GetInt64()));
        var update = items[1];
        Assert.Equal("user", update.GetProperty("actor").GetProperty("kind").GetString());
        Assert.Equal(t.AdminId.ToString(), update.GetProperty("actor").GetProperty("id").GetString());
        var change = Assert.Single(update.GetProperty("changes").EnumerateArray());
        Assert.Equal("company", change.GetProperty("field").GetString());
        Assert.Equal("Old", change.GetProperty("from").GetString());
        Assert.Equal("New", change.GetProperty("to").GetString());
        Assert.Contains('.', items[0].GetProperty("position").GetString()!);
        Assert.Equal(JsonValueKind.Null, all.GetProperty("nextCursor").ValueKind);

        var first = await ReadAsync(await t.Admin.GetAsync($"/api/contacts/{id}/history?limit=3"), HttpStatusCode.OK);
        Assert.Equal(3, first.GetProperty("items").GetArrayLength());
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await ReadAsync(await t.Admin.GetAsync($"/api/contacts/{id}/history?limit=3&cursor={cursor}"), HttpStatusCode.OK);
        Assert.Equal("ContactRestored.v1", Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("type").GetString());
        await ValidationAsync(await t.Admin.GetAsync($"/api/contacts/{id}/history?cursor=%%%"), "cursor");
    }

    [Fact]
    public async Task AsOf_returns_the_state_at_that_moment_and_404_before_the_contact_existed()
    {
        var t = await api.NewTenantAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var id = (await t.Admin.NewContactAsync(new { name = new { given = "Past" }, jobTitle = "Junior" })).GetProperty("id").GetGuid();
        var history = await ReadAsync(await t.Admin.GetAsync($"/api/contacts/{id}/history"), HttpStatusCode.OK);
        var createdAt = history.GetProperty("items")[0].GetProperty("at").GetDateTimeOffset();
        await Eventually.TrueAsync(() => Task.FromResult(DateTimeOffset.UtcNow > createdAt.AddMilliseconds(5)), "the clock to move past the creation");
        await ReadAsync(await t.Admin.PatchJsonAsync($"/api/contacts/{id}", new { jobTitle = "Senior" }), HttpStatusCode.OK);

        var then = await ReadAsync(await t.Admin.GetAsync($"/api/contacts/{id}?asOf={Uri.EscapeDataString(createdAt.ToString("O"))}"), HttpStatusCode.OK);
        Assert.Equal("Junior", then.GetProperty("jobTitle").GetString());
        Assert.Equal(0, then.GetProperty("version").GetInt64());
        var now = await ReadAsync(await t.Admin.GetAsync($"/api/contacts/{id}"), HttpStatusCode.OK);
        Assert.Equal("Senior", now.GetProperty("jobTitle").GetString());
        await ProblemAsync(await t.Admin.GetAsync($"/api/contacts/{id}?asOf={Uri.EscapeDataString(before.ToString("O"))}"), HttpStatusCode.NotFound);
        await ValidationAsync(await t.Admin.GetAsync($"/api/contacts/{id}?asOf=yesterday"), "asOf");

        var stranger = await api.NewUserAsync(t);
        await ProblemAsync(await stranger.Client.GetAsync($"/api/contacts/{id}?asOf={Uri.EscapeDataString(createdAt.ToString("O"))}"), HttpStatusCode.NotFound);
    }
}
