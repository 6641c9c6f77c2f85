using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContactSync.Api.Tests.Support;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Contacts;

[Collection(ApiCollection.Name)]
public sealed class ContactsApiTests(ApiFixture api)
{
    [Fact]
    public async Task Creating_a_contact_answers_201_with_location_etag_and_log_position_and_it_is_readable_at_once()
    {
        var t = await api.NewTenantAsync();
        var res = await t.Admin.PostAsJsonAsync("/api/contacts", new
        {
            name = new { given = "Grace", family = "Hopper" },
            emails = new[] { new { value = "grace@example.com", type = "work" } },
            phones = new[] { new { value = "+1 (555) 010-0001", type = "mobile" } },
            tags = new[] { "navy" },
            company = "US Navy",
        });
        var body = await ReadAsync(res, HttpStatusCode.Created);
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/contacts/{id}", res.Headers.Location?.OriginalString);
        Assert.Equal("\"0\"", res.Headers.ETag?.Tag);
        Assert.True(res.Headers.Contains("X-Log-Position"));
        Assert.Equal(t.AdminId, body.GetProperty("ownerId").GetGuid());
        Assert.Equal("owner", body.GetProperty("visibility").GetString());
        Assert.Equal("+1 (555) 010-0001", body.GetProperty("phones")[0].GetProperty("value").GetString());

        var get = await t.Admin.GetAsync($"/api/contacts/{id}");
        var read = await ReadAsync(get, HttpStatusCode.OK);
        Assert.Equal("Hopper", read.GetProperty("name").GetProperty("family").GetString());
        Assert.Equal("\"0\"", get.Headers.ETag?.Tag);
        var list = await ReadAsync(await t.Admin.GetAsync("/api/contacts"), HttpStatusCode.OK);
        Assert.Contains(list.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task A_merge_patch_keeps_absent_fields_clears_nulls_and_bumps_the_version()
    {
        var t = await api.NewTenantAsync();
        var c = await t.Admin.NewContactAsync(new { name = new { given = "Alan", family = "Turing" }, jobTitle = "Mathematician", notes = "Bletchley" });
        var id = c.GetProperty("id").GetGuid();
        var res = await t.Admin.PatchJsonAsync($"/api/contacts/{id}", new { notes = (string?)null, company = "NPL", name = new { given = "Alan M." } });
        var body = await ReadAsync(res, HttpStatusCode.OK);
        Assert.Equal("\"1\"", res.Headers.ETag?.Tag);
        Assert.Equal(1, body.GetProperty("version").GetInt64());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("notes").ValueKind);
        Assert.Equal("NPL", body.GetProperty("company").GetString());
        Assert.Equal("Alan M.", body.GetProperty("name").GetProperty("given").GetString());
        Assert.Equal("Turing", body.GetProperty("name").GetProperty("family").GetString());
        Assert.Equal("Mathematician", body.GetProperty("jobTitle").GetString());
    }

    [Fact]
    public async Task Invalid_fields_answer_422_with_errors_by_field_path_and_malformed_json_answers_400()
    {
        var t = await api.NewTenantAsync();
        await ValidationAsync(await t.Admin.PostAsJsonAsync("/api/contacts",
            new { emails = new[] { new { value = "not-an-email" } }, birthday = new { month = 2, day = 30, year = 2023 }, nickname = "x", visibility = "everyone" }),
            "emails[0].value", "birthday", "nickname", "visibility");
        await ValidationAsync(await t.Admin.PostAsJsonAsync("/api/contacts", new { notes = 42 }), "notes");
        await ValidationAsync(await t.Admin.PostAsJsonAsync("/api/contacts", new { ownerId = Guid.NewGuid() }), "ownerId");
        var malformed = await t.Admin.SendAsync(Request(HttpMethod.Post, "/api/contacts", "{\"name\": "));
        var problem = await ProblemAsync(malformed, HttpStatusCode.BadRequest);
        Assert.Equal("Malformed JSON", problem.GetProperty("title").GetString());
        await ProblemAsync(await t.Admin.SendAsync(Request(HttpMethod.Post, "/api/contacts", "{}", contentType: "text/plain")), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Owner_followers_and_visibility_change_through_a_patch_and_must_be_users_of_the_tenant()
    {
        var t = await api.NewTenantAsync();
        var other = await api.NewTenantAsync();
        var bob = await api.NewUserAsync(t);
        var carol = await api.NewUserAsync(t);
        var c = await t.Admin.NewContactAsync(new { name = new { given = "Dora" } });
        var id = c.GetProperty("id").GetGuid();
        var body = await ReadAsync(await t.Admin.PatchJsonAsync($"/api/contacts/{id}",
            new { ownerId = bob.UserId, followerIds = new[] { carol.UserId }, visibility = "owner-and-followers" }), HttpStatusCode.OK);
        Assert.Equal(bob.UserId, body.GetProperty("ownerId").GetGuid());
        Assert.Equal(carol.UserId, body.GetProperty("followerIds")[0].GetGuid());
        Assert.Equal("owner-and-followers", body.GetProperty("visibility").GetString());
        Assert.Equal(3, body.GetProperty("version").GetInt64());
        await ReadAsync(await carol.Client.GetAsync($"/api/contacts/{id}"), HttpStatusCode.OK);

        await ValidationAsync(await t.Admin.PatchJsonAsync($"/api/contacts/{id}", new { followerIds = new[] { other.AdminId } }), "followerIds");
        await ValidationAsync(await t.Admin.PatchJsonAsync($"/api/contacts/{id}", new { ownerId = other.AdminId }), "ownerId");
    }

    [Fact]
    public async Task Deleting_hides_the_contact_unless_includeDeleted_and_restoring_brings_it_back()
    {
        var t = await api.NewTenantAsync();
        var id = (await t.Admin.NewContactAsync(new { name = new { given = "Eve" }, tags = new[] { "deltest" } })).GetProperty("id").GetGuid();
        var del = await t.Admin.DeleteAsync($"/api/contacts/{id}");
        Assert.Equal(HttpStatusCode.NoContent, del.StatusCode);
        await ProblemAsync(await t.Admin.GetAsync($"/api/contacts/{id}"), HttpStatusCode.NotFound);
        var deleted = await ReadAsync(await t.Admin.GetAsync($"/api/contacts/{id}?includeDeleted=true"), HttpStatusCode.OK);
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        var list = await ReadAsync(await t.Admin.GetAsync("/api/contacts?tag=deltest"), HttpStatusCode.OK);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        var withDeleted = await ReadAsync(await t.Admin.GetAsync("/api/contacts?tag=deltest&includeDeleted=true"), HttpStatusCode.OK);
        Assert.Single(withDeleted.GetProperty("items").EnumerateArray());

        var patch = await ProblemAsync(await t.Admin.PatchJsonAsync($"/api/contacts/{id}", new { notes = "x" }), HttpStatusCode.Conflict);
        Assert.Equal("contact.deleted", patch.GetProperty("code").GetString());

        var restored = await ReadAsync(await t.Admin.PostAsync($"/api/contacts/{id}/restore", null), HttpStatusCode.OK);
        Assert.False(restored.GetProperty("deleted").GetBoolean());
        await ReadAsync(await t.Admin.GetAsync($"/api/contacts/{id}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unknown_ids_and_other_tenants_contacts_answer_404_problems()
    {
        var t = await api.NewTenantAsync();
        var other = await api.NewTenantAsync();
        var foreign = (await other.Admin.NewContactAsync(new { name = new { given = "Foreign" } })).GetProperty("id").GetGuid();
        foreach (var id in new[] { Guid.NewGuid(), foreign })
        {
            await ProblemAsync(await t.Admin.GetAsync($"/api/contacts/{id}"), HttpStatusCode.NotFound);
            await ProblemAsync(await t.Admin.PatchJsonAsync($"/api/contacts/{id}", new { notes = "x" }), HttpStatusCode.NotFound);
            await ProblemAsync(await t.Admin.DeleteAsync($"/api/contacts/{id}"), HttpStatusCode.NotFound);
            await ProblemAsync(await t.Admin.PostAsync($"/api/contacts/{id}/restore", null), HttpStatusCode.NotFound);
            await ProblemAsync(await t.Admin.GetAsync($"/api/contacts/{id}/history"), HttpStatusCode.NotFound);
        }
        await ProblemAsync(await t.Admin.GetAsync("/api/contacts/not-a-guid"), HttpStatusCode.NotFound);
        await ReadAsync(await other.Admin.GetAsync($"/api/contacts/{foreign}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_list_filters_by_text_tag_and_owner_and_pages_with_an_opaque_cursor()
    {
        var t = await api.NewTenantAsync();
        var bob = await api.NewUserAsync(t);
        for (var i = 0; i < 5; i++)
            await t.Admin.NewContactAsync(new { name = new { given = $"Pager{i}" }, tags = new[] { "paging" }, company = i == 3 ? "Zyx Widgets" : null });
        await t.Admin.NewContactAsync(new { name = new { given = "Bobs" }, ownerId = bob.UserId });

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await ReadAsync(await t.Admin.GetAsync("/api/contacts?tag=PAGING&limit=2" + (cursor is null ? "" : "&cursor=" + cursor)), HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        Assert.Equal(5, seen.Distinct().Count());

        var byText = await ReadAsync(await t.Admin.GetAsync("/api/contacts?q=zyx%20widg"), HttpStatusCode.OK);
        Assert.Single(byText.GetProperty("items").EnumerateArray());
        var byOwner = await ReadAsync(await t.Admin.GetAsync($"/api/contacts?ownerId={bob.UserId}"), HttpStatusCode.OK);
        Assert.Equal("Bobs", Assert.Single(byOwner.GetProperty("items").EnumerateArray()).GetProperty("name").GetProperty("given").GetString());

        await ValidationAsync(await t.Admin.GetAsync("/api/contacts?limit=501"), "limit");
        await ValidationAsync(await t.Admin.GetAsync("/api/contacts?limit=abc"), "limit");
        await ValidationAsync(await t.Admin.GetAsync("/api/contacts?cursor=bm90LWEtY3Vyc29y"), "cursor");
        await ValidationAsync(await t.Admin.GetAsync("/api/contacts?ownerId=bob"), "ownerId");
        await ValidationAsync(await t.Admin.GetAsync("/api/contacts?includeDeleted=maybe"), "includeDeleted");
        await ProblemAsync(await t.Admin.GetAsync($"/api/contacts?listId={Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_read_with_minPosition_sees_the_write_and_a_bad_minPosition_is_422()
    {
        var t = await api.NewTenantAsync();
        var res = await t.Admin.PostAsJsonAsync("/api/contacts", new { name = new { given = "Minnie" } });
        var id = (await ReadAsync(res, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var position = res.Headers.GetValues("X-Log-Position").Single();
        await ReadAsync(await t.Admin.GetAsync($"/api/contacts/{id}?minPosition={position}"), HttpStatusCode.OK);
        await ValidationAsync(await t.Admin.GetAsync("/api/contacts?minPosition=later"), "minPosition");
    }
}
