using System.Net;
using ContactSync.Api.Tests.Support;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Contacts;

[Collection(ApiCollection.Name)]
public sealed class ConcurrencyTests(ApiFixture api)
{
    [Fact]
    public async Task Parallel_patches_with_the_same_If_Match_have_exactly_one_winner_and_the_others_get_412()
    {
        var t = await api.NewTenantAsync();
        var id = (await t.Admin.NewContactAsync(new { name = new { given = "Race" } })).GetProperty("id").GetGuid();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            t.Admin.PatchJsonAsync($"/api/contacts/{id}", new { notes = $"writer {i}" }, ifMatch: "\"0\"")));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var loser in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await ProblemAsync(loser, HttpStatusCode.PreconditionFailed);
        var after = await ReadAsync(await t.Admin.GetAsync($"/api/contacts/{id}"), HttpStatusCode.OK);
        Assert.Equal(1, after.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Parallel_patches_of_different_fields_without_If_Match_all_survive()
    {
        var t = await api.NewTenantAsync();
        var id = (await t.Admin.NewContactAsync(new { name = new { given = "Merge" } })).GetProperty("id").GetGuid();
        object[] patches =
        [
            new { notes = "n" }, new { jobTitle = "j" }, new { company = "c" }, new { department = "d" },
            new { gender = "g" }, new { name = new { family = "F" } }, new { tags = new[] { "t" } }, new { photoUrl = "https://example.com/p.png" },
        ];
        var responses = await Task.WhenAll(patches.Select(p => t.Admin.PatchJsonAsync($"/api/contacts/{id}", p)));
        foreach (var r in responses) await ReadAsync(r, HttpStatusCode.OK);
        var c = await ReadAsync(await t.Admin.GetAsync($"/api/contacts/{id}"), HttpStatusCode.OK);
        Assert.Equal(8, c.GetProperty("version").GetInt64());
        Assert.Equal("n", c.GetProperty("notes").GetString());
        Assert.Equal("j", c.GetProperty("jobTitle").GetString());
        Assert.Equal("c", c.GetProperty("company").GetString());
        Assert.Equal("d", c.GetProperty("department").GetString());
        Assert.Equal("g", c.GetProperty("gender").GetString());
        Assert.Equal("F", c.GetProperty("name").GetProperty("family").GetString());
        Assert.Equal("Merge", c.GetProperty("name").GetProperty("given").GetString());
        Assert.Equal("t", c.GetProperty("tags")[0].GetString());
        Assert.Equal("https://example.com/p.png", c.GetProperty("photoUrl").GetString());
    }

    [Fact]
    public async Task A_stale_or_unreadable_If_Match_on_patch_delete_and_restore_answers_412()
    {
        var t = await api.NewTenantAsync();
        var id = (await t.Admin.NewContactAsync(new { name = new { given = "Stale" } })).GetProperty("id").GetGuid();
        await ReadAsync(await t.Admin.PatchJsonAsync($"/api/contacts/{id}", new { notes = "v1" }, ifMatch: "\"0\""), HttpStatusCode.OK);
        await ProblemAsync(await t.Admin.PatchJsonAsync($"/api/contacts/{id}", new { notes = "v2" }, ifMatch: "\"0\""), HttpStatusCode.PreconditionFailed);
        await ProblemAsync(await t.Admin.PatchJsonAsync($"/api/contacts/{id}", new { notes = "v2" }, ifMatch: "banana"), HttpStatusCode.PreconditionFailed);
        await ProblemAsync(await t.Admin.SendAsync(Request(HttpMethod.Delete, $"/api/contacts/{id}", ifMatch: "\"7\"")), HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.NoContent, (await t.Admin.SendAsync(Request(HttpMethod.Delete, $"/api/contacts/{id}", ifMatch: "\"1\""))).StatusCode);
        await ProblemAsync(await t.Admin.SendAsync(Request(HttpMethod.Post, $"/api/contacts/{id}/restore", ifMatch: "\"1\"")), HttpStatusCode.PreconditionFailed);
        await ReadAsync(await t.Admin.SendAsync(Request(HttpMethod.Post, $"/api/contacts/{id}/restore", ifMatch: "\"2\"")), HttpStatusCode.OK);
    }
}
