using System.Net;
using System.Text.Json.Nodes;

namespace ContactSync.Sandbox.Tests.Graph;

public sealed class GraphContactsTests(GraphSandboxFixture sandbox) : IClassFixture<GraphSandboxFixture>
{
    [Fact]
    public async Task Calls_without_a_valid_bearer_token_get_401_InvalidAuthenticationToken()
    {
        using var none = await sandbox.Http.GetAsync("v1.0/me/contacts");
        await GraphAssert.ErrorAsync(none, 401, "InvalidAuthenticationToken");
        Assert.NotEmpty(none.Headers.WwwAuthenticate);

        var forged = new Mailbox(sandbox, "nobody@contoso.test", "not-a-token");
        await GraphAssert.ErrorAsync(await forged.SendAsync(HttpMethod.Get, "/me/contacts"), 401, "InvalidAuthenticationToken");
    }

    [Fact]
    public async Task Me_returns_the_mailbox_address_and_users_path_accepts_the_upn_but_not_other_users()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        var other = await sandbox.NewMailboxAsync();
        var me = await mailbox.GetAsync("/me");
        Assert.Equal(mailbox.Email, me["mail"]!.GetValue<string>());
        Assert.Equal(mailbox.Email, me["userPrincipalName"]!.GetValue<string>());

        var byUpn = await mailbox.GetAsync($"/users/{mailbox.Email}/contacts");
        Assert.Empty(byUpn["value"]!.AsArray());
        var byId = await mailbox.GetAsync($"/users/{me["id"]!.GetValue<string>()}");
        Assert.Equal(mailbox.Email, byId["mail"]!.GetValue<string>());
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Get, $"/users/{other.Email}/contacts"), 403, "ErrorAccessDenied");
    }

    [Fact]
    public async Task Contacts_round_trip_through_create_get_patch_and_delete()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        var created = await mailbox.CreateContactAsync(new
        {
            givenName = "Garth", surname = "Fort", displayName = "Garth Fort",
            emailAddresses = new[] { new { address = "garth@contoso.com", name = "Garth" } },
            businessPhones = new[] { "+1 918 555 0101" },
            homeAddress = new { street = "123 Some street", city = "Seattle", state = "WA", postalCode = "98121", countryOrRegion = "USA" },
            birthday = "1974-07-22",
        });
        var id = created["id"]!.GetValue<string>();
        Assert.Equal("Seattle", created["homeAddress"]!["city"]!.GetValue<string>());
        Assert.Equal("1974-07-22T00:00:00Z", created["birthday"]!.GetValue<string>());
        Assert.Empty(created["homePhones"]!.AsArray());
        Assert.Empty(created["businessAddress"]!.AsObject());

        var patched = await mailbox.JsonAsync(HttpMethod.Patch, $"/me/contacts/{id}", new { jobTitle = "Manager", displayName = "G. Fort" });
        Assert.Equal("Manager", patched["jobTitle"]!.GetValue<string>());
        Assert.Equal("G. Fort", patched["displayName"]!.GetValue<string>());
        Assert.Equal("garth@contoso.com", patched["emailAddresses"]![0]!["address"]!.GetValue<string>());

        var list = await mailbox.GetAsync("/me/contacts");
        Assert.Equal(id, Assert.Single(list["value"]!.AsArray())!["id"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await mailbox.SendAsync(HttpMethod.Delete, $"/me/contacts/{id}")).StatusCode);
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Get, $"/me/contacts/{id}"), 404, "ErrorItemNotFound");
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Delete, $"/me/contacts/{id}"), 404, "ErrorItemNotFound");
    }

    [Fact]
    public async Task Changing_name_parts_without_displayName_regenerates_it()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        var created = await mailbox.CreateContactAsync(new { givenName = "Ann", surname = "Lee", displayName = "Annie" });
        Assert.Equal("Annie", created["displayName"]!.GetValue<string>());
        var patched = await mailbox.JsonAsync(HttpMethod.Patch, $"/me/contacts/{created["id"]}", new { surname = "Park" });
        Assert.Equal("Ann Park", patched["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_properties_and_malformed_json_are_400()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Post, "/me/contacts", new { gender = "female" }), 400, "RequestBodyRead");
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Post, "/me/contacts", "{not json"), 400, "BadRequest");
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Get, "/me/calendars"), 400, "BadRequest");
    }

    [Fact]
    public async Task Multi_value_caps_answer_400_with_the_exchange_message()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        var emails = Enumerable.Range(1, 4).Select(i => new { address = $"a{i}@contoso.com" }).ToArray();
        using var tooManyEmails = await mailbox.SendAsync(HttpMethod.Post, "/me/contacts", new { emailAddresses = emails });
        Assert.Equal(HttpStatusCode.BadRequest, tooManyEmails.StatusCode);
        var error = JsonNode.Parse(await tooManyEmails.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("The multi value property EmailAddresses has 4 entries, that exceeds the max allowed value of 3", error["message"]!.GetValue<string>());

        using var tooManyPhones = await mailbox.SendAsync(HttpMethod.Post, "/me/contacts", new { businessPhones = new[] { "1", "2", "3" } });
        Assert.Contains("BusinessPhones has 3 entries", await tooManyPhones.Content.ReadAsStringAsync());
        using var tooManyHome = await mailbox.SendAsync(HttpMethod.Post, "/me/contacts", new { homePhones = new[] { "1", "2", "3" } });
        Assert.Equal(HttpStatusCode.BadRequest, tooManyHome.StatusCode);
        Assert.Empty((await mailbox.GetAsync("/me/contacts"))["value"]!.AsArray());

        await mailbox.CreateContactAsync(new { emailAddresses = emails.Take(3), businessPhones = new[] { "1", "2" }, homePhones = new[] { "3", "4" } });
    }

    [Fact]
    public async Task Etag_pairs_with_changeKey_changes_on_every_write_and_a_stale_If_Match_gets_412()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        var id = (await mailbox.CreateContactAsync(new { givenName = "Eve" }))["id"]!.GetValue<string>();
        using var get = await mailbox.SendAsync(HttpMethod.Get, $"/me/contacts/{id}");
        var body = JsonNode.Parse(await get.Content.ReadAsStringAsync())!;
        var etag = body["@odata.etag"]!.GetValue<string>();
        Assert.Equal($"W/\"{body["changeKey"]!.GetValue<string>()}\"", etag);
        Assert.Equal(etag, get.Headers.ETag!.ToString());

        var patched = await mailbox.JsonAsync(HttpMethod.Patch, $"/me/contacts/{id}", new { jobTitle = "CTO" },
            configure: r => r.Headers.TryAddWithoutValidation("If-Match", etag));
        var newEtag = patched["@odata.etag"]!.GetValue<string>();
        Assert.NotEqual(etag, newEtag);

        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Patch, $"/me/contacts/{id}", new { jobTitle = "CEO" },
            r => r.Headers.TryAddWithoutValidation("If-Match", etag)), 412, "ErrorIrresolvableConflict");
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Delete, $"/me/contacts/{id}", null,
            r => r.Headers.TryAddWithoutValidation("If-Match", etag)), 412, "ErrorIrresolvableConflict");
        Assert.Equal("CTO", (await mailbox.GetAsync($"/me/contacts/{id}"))["jobTitle"]!.GetValue<string>());
        using var delete = await mailbox.SendAsync(HttpMethod.Delete, $"/me/contacts/{id}", null, r => r.Headers.TryAddWithoutValidation("If-Match", newEtag));
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    [Fact]
    public async Task Extended_property_is_stored_expanded_on_request_and_filterable()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        const string pid = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name crmId";
        var folder = await mailbox.CreateFolderAsync();
        var crmId = Guid.NewGuid().ToString();
        var created = await mailbox.CreateContactAsync(new
        {
            givenName = "Tagged", singleValueExtendedProperties = new[] { new { id = pid, value = crmId } },
        }, folder);
        await mailbox.CreateContactAsync(new { givenName = "Other", singleValueExtendedProperties = new[] { new { id = pid, value = "x'y" } } }, folder);
        Assert.Null(created["singleValueExtendedProperties"]);

        var expand = $"singleValueExtendedProperties($filter=id eq '{pid}')";
        var filter = $"singleValueExtendedProperties/Any(ep: ep/id eq '{pid}' and ep/value eq '{crmId}')";
        var found = await mailbox.GetAsync($"/me/contactFolders/{folder}/contacts?$filter={Uri.EscapeDataString(filter)}&$expand={Uri.EscapeDataString(expand)}");
        var hit = Assert.Single(found["value"]!.AsArray())!;
        Assert.Equal(created["id"]!.GetValue<string>(), hit["id"]!.GetValue<string>());
        Assert.Equal(crmId, hit["singleValueExtendedProperties"]![0]!["value"]!.GetValue<string>());

        var quoted = $"singleValueExtendedProperties/any(e: e/id eq '{pid}' and e/value eq 'x''y')";
        Assert.Single((await mailbox.GetAsync($"/me/contactFolders/{folder}/contacts?$filter={Uri.EscapeDataString(quoted)}"))["value"]!.AsArray());
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Get, "/me/contacts?$filter=startswith(givenName,'T')"), 400, "ErrorInvalidUrlQueryFilter");
    }

    [Fact]
    public async Task Folders_hold_their_own_contacts_and_child_folders()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        var name = $"Clients {Guid.NewGuid():N}";
        var folder = await mailbox.CreateFolderAsync(name);
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Post, "/me/contactFolders", new { displayName = name }), 409, "ErrorFolderExists");
        var child = (await mailbox.JsonAsync(HttpMethod.Post, $"/me/contactFolders/{folder}/childFolders", new { displayName = "Sub" }, 201))["id"]!.GetValue<string>();

        var inFolder = (await mailbox.CreateContactAsync(new { givenName = "In" }, folder))["id"]!.GetValue<string>();
        await mailbox.CreateContactAsync(new { givenName = "Default" });
        Assert.Equal(folder, (await mailbox.GetAsync($"/me/contacts/{inFolder}"))["parentFolderId"]!.GetValue<string>());
        Assert.Single((await mailbox.GetAsync($"/me/contactFolders/{folder}/contacts"))["value"]!.AsArray());
        Assert.Single((await mailbox.GetAsync("/me/contacts"))["value"]!.AsArray());
        Assert.Equal(child, (await mailbox.GetAsync($"/me/contactFolders/{folder}/childFolders"))["value"]![0]!["id"]!.GetValue<string>());
        Assert.Contains((await mailbox.GetAsync("/me/contactFolders"))["value"]!.AsArray(), f => f!["displayName"]!.GetValue<string>() == name);
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Get, $"/me/contactFolders/{child}/contacts/{inFolder}"), 404, "ErrorItemNotFound");

        Assert.Equal(HttpStatusCode.NoContent, (await mailbox.SendAsync(HttpMethod.Delete, $"/me/contactFolders/{folder}")).StatusCode);
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Get, $"/me/contactFolders/{child}"), 404, "ErrorItemNotFound");
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Get, $"/me/contacts/{inFolder}"), 404, "ErrorItemNotFound");
    }

    [Fact]
    public async Task Contact_lists_page_with_top_and_absolute_next_links()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        for (var i = 0; i < 5; i++) await mailbox.CreateContactAsync(new { givenName = $"P{i}" });
        var ids = new List<string>();
        var next = "/me/contacts?$top=2&$select=givenName";
        while (next is not null)
        {
            var page = await mailbox.GetAsync(next);
            ids.AddRange(page["value"]!.AsArray().Select(v => v!["id"]!.GetValue<string>()));
            Assert.All(page["value"]!.AsArray(), v => Assert.Null(v!["surname"]));
            next = page["@odata.nextLink"]?.GetValue<string>();
            if (next is not null) Assert.StartsWith(sandbox.GraphRoot + "/me/contacts?", next);
        }
        Assert.Equal(5, ids.Distinct().Count());
        Assert.Equal(5, (await mailbox.GetAsync("/me/contacts?$count=true&$top=1"))["@odata.count"]!.GetValue<int>());
    }
}
