using System.Net;
using System.Text.RegularExpressions;

namespace ContactSync.Sandbox.Tests.Google;

public sealed partial class GooglePeopleTests(GoogleSandboxFixture sandbox) : IClassFixture<GoogleSandboxFixture>
{
    [GeneratedRegex(@"^people/c\d{10,20}$")]
    private static partial Regex ContactResourceName();

    [Fact]
    public async Task A_created_contact_has_a_realistic_resource_name_joins_myContacts_and_is_readable()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var (status, created) = await client.PostJsonAsync("v1/people:createContact?personFields=names,phoneNumbers,memberships,clientData",
            new
            {
                names = new[] { new { givenName = "Ada", familyName = "Lovelace" } },
                phoneNumbers = new[] { new { value = "+44 20 7946 0018", type = "mobile" } },
                clientData = new[] { new { key = "crm", value = "42" } },
            });

        Assert.Equal(HttpStatusCode.OK, status);
        var name = created.GetProperty("resourceName").GetString()!;
        Assert.Matches(ContactResourceName(), name);
        Assert.False(string.IsNullOrEmpty(created.GetProperty("etag").GetString()));
        Assert.Equal("contactGroups/myContacts", created.GetProperty("memberships")[0].GetProperty("contactGroupMembership").GetProperty("contactGroupResourceName").GetString());
        var phone = created.GetProperty("phoneNumbers")[0];
        Assert.Equal("+44 20 7946 0018", phone.GetProperty("value").GetString());
        Assert.Equal("+442079460018", phone.GetProperty("canonicalForm").GetString());
        Assert.Equal("Ada Lovelace", created.GetProperty("names")[0].GetProperty("displayName").GetString());

        var (getStatus, read) = await client.GetJsonAsync($"v1/{name}?personFields=names,clientData");
        Assert.Equal(HttpStatusCode.OK, getStatus);
        Assert.Equal("42", read.GetProperty("clientData")[0].GetProperty("value").GetString());
    }

    [Fact]
    public async Task Update_replaces_masked_fields_clears_masked_fields_left_out_and_changes_the_etag()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var (_, created) = await client.PostJsonAsync("v1/people:createContact", new
        {
            names = new[] { new { givenName = "Old" } },
            emailAddresses = new[] { new { value = "a@example.com" }, new { value = "b@example.com" } },
            biographies = new[] { new { value = "keep me" } },
        });
        var name = created.GetProperty("resourceName").GetString()!;
        var etag = created.GetProperty("etag").GetString()!;

        var (status, updated) = await client.PatchJsonAsync($"v1/{name}:updateContact?updatePersonFields=names,emailAddresses&personFields=names,emailAddresses,biographies",
            new { etag, names = new[] { new { givenName = "New" } } });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEqual(etag, updated.GetProperty("etag").GetString());
        Assert.Equal("New", updated.GetProperty("names")[0].GetProperty("givenName").GetString());
        Assert.False(updated.TryGetProperty("emailAddresses", out _));
        Assert.Equal("keep me", updated.GetProperty("biographies")[0].GetProperty("value").GetString());
    }

    [Fact]
    public async Task Update_with_a_stale_etag_is_400_FAILED_PRECONDITION_with_Google_s_message()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var (name, etag) = await client.CreateContactAsync("Ada");
        var (_, first) = await client.PatchJsonAsync($"v1/{name}:updateContact?updatePersonFields=names", new { etag, names = new[] { new { givenName = "B" } } });
        Assert.NotEqual(etag, first.GetProperty("etag").GetString());

        var (status, body) = await client.PatchJsonAsync($"v1/{name}:updateContact?updatePersonFields=names", new { etag, names = new[] { new { givenName = "C" } } });

        GoogleApi.AssertGoogleError(status, body, 400, "FAILED_PRECONDITION");
        Assert.Equal("Request person.etag is different than the current person.etag. Clear local cache and get the latest person.",
            body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Update_tolerates_an_If_Match_header_and_checks_the_body_etag()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var (name, etag) = await client.CreateContactAsync("Ada");
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"v1/{name}:updateContact?updatePersonFields=names")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { etag, names = new[] { new { givenName = "B" } } }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", etag);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_contacts_are_404_NOT_FOUND_for_get_update_and_delete()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        const string missing = "people/c1234567890123456789";

        var get = await client.GetJsonAsync($"v1/{missing}?personFields=names");
        var update = await client.PatchJsonAsync($"v1/{missing}:updateContact?updatePersonFields=names", new { etag = "%x", names = new[] { new { givenName = "x" } } });
        var delete = await client.SendJsonAsync(HttpMethod.Delete, $"v1/{missing}:deleteContact");

        foreach (var (status, body) in new[] { get, update, delete })
        {
            GoogleApi.AssertGoogleError(status, body, 404, "NOT_FOUND");
            Assert.Equal("Requested entity was not found.", body.GetProperty("error").GetProperty("message").GetString());
        }
    }

    [Theory]
    [InlineData("names")]
    [InlineData("biographies")]
    [InlineData("birthdays")]
    [InlineData("genders")]
    public async Task More_than_one_value_of_a_singleton_field_is_400(string field)
    {
        var (_, client) = await sandbox.NewAccountAsync();
        object item = field switch
        {
            "names" => new { givenName = "A" },
            "birthdays" => new { date = new { month = 1, day = 2 } },
            _ => new { value = "x" },
        };

        var (status, body) = await client.PostJsonAsync("v1/people:createContact", new Dictionary<string, object> { [field] = new[] { item, item } });

        GoogleApi.AssertGoogleError(status, body, 400, "INVALID_ARGUMENT");
        Assert.Contains($"person.{field}", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Batch_create_update_get_and_delete_work_together()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var (status, created) = await client.PostJsonAsync("v1/people:batchCreateContacts", new
        {
            contacts = Enumerable.Range(0, 3).Select(i => new { contactPerson = new { names = new[] { new { givenName = $"B{i}" } } } }),
            readMask = "names",
        });
        Assert.Equal(HttpStatusCode.OK, status);
        var people = created.Items("createdPeople").Select(r => r.GetProperty("person")).ToList();
        Assert.Equal(["B0", "B1", "B2"], people.Select(p => p.GetProperty("names")[0].GetProperty("givenName").GetString()));

        var (updateStatus, updated) = await client.PostJsonAsync("v1/people:batchUpdateContacts", new
        {
            contacts = people.ToDictionary(p => p.GetProperty("resourceName").GetString()!,
                p => (object)new { etag = p.GetProperty("etag").GetString(), names = new[] { new { givenName = "U" } } }),
            updateMask = "names",
            readMask = "names",
        });
        Assert.Equal(HttpStatusCode.OK, updateStatus);
        Assert.Equal(3, updated.GetProperty("updateResult").EnumerateObject().Count());

        var names = people.Select(p => p.GetProperty("resourceName").GetString()!).ToList();
        var (getStatus, got) = await client.GetJsonAsync("v1/people:batchGet?personFields=names&" + string.Join('&', names.Select(n => "resourceNames=" + n)));
        Assert.Equal(HttpStatusCode.OK, getStatus);
        Assert.All(got.Items("responses"), r => Assert.Equal("U", r.GetProperty("person").GetProperty("names")[0].GetProperty("givenName").GetString()));

        var (deleteStatus, _) = await client.PostJsonAsync("v1/people:batchDeleteContacts", new { resourceNames = names });
        Assert.Equal(HttpStatusCode.OK, deleteStatus);
        var (afterStatus, after) = await client.GetJsonAsync("v1/people/me/connections?personFields=names");
        Assert.Equal(HttpStatusCode.OK, afterStatus);
        Assert.Empty(after.Items("connections"));
    }

    [Fact]
    public async Task A_batch_update_with_one_stale_etag_applies_nothing()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var a = await client.CreateContactAsync("A");
        var b = await client.CreateContactAsync("B");

        var (status, body) = await client.PostJsonAsync("v1/people:batchUpdateContacts", new
        {
            contacts = new Dictionary<string, object>
            {
                [a.ResourceName] = new { etag = a.Etag, names = new[] { new { givenName = "A2" } } },
                [b.ResourceName] = new { etag = "%stale", names = new[] { new { givenName = "B2" } } },
            },
            updateMask = "names",
        });

        GoogleApi.AssertGoogleError(status, body, 400, "FAILED_PRECONDITION");
        var (_, read) = await client.GetJsonAsync($"v1/{a.ResourceName}?personFields=names");
        Assert.Equal("A", read.GetProperty("names")[0].GetProperty("givenName").GetString());
    }

    [Theory]
    [InlineData("v1/people:batchCreateContacts", 201)]
    [InlineData("v1/people:batchUpdateContacts", 201)]
    [InlineData("v1/people:batchDeleteContacts", 501)]
    public async Task Batches_over_Google_s_limits_are_400(string path, int count)
    {
        var (_, client) = await sandbox.NewAccountAsync();
        object body = path switch
        {
            "v1/people:batchCreateContacts" => new { contacts = Enumerable.Range(0, count).Select(i => new { contactPerson = new { names = new[] { new { givenName = "x" } } } }) },
            "v1/people:batchUpdateContacts" => new { contacts = Enumerable.Range(0, count).ToDictionary(i => $"people/c{i}", i => new { etag = "x" }), updateMask = "names" },
            _ => new { resourceNames = Enumerable.Range(0, count).Select(i => $"people/c{i}") },
        };

        var (status, error) = await client.PostJsonAsync(path, body);

        GoogleApi.AssertGoogleError(status, error, 400, "INVALID_ARGUMENT");
    }

    [Fact]
    public async Task BatchGet_over_200_names_is_400()
    {
        var (_, client) = await sandbox.NewAccountAsync();

        var (status, body) = await client.GetJsonAsync("v1/people:batchGet?personFields=names&" + string.Join('&', Enumerable.Range(0, 201).Select(i => $"resourceNames=people/c{i}")));

        GoogleApi.AssertGoogleError(status, body, 400, "INVALID_ARGUMENT");
    }

    [Fact]
    public async Task Unknown_fields_in_a_person_are_rejected_like_Google_s_strict_parser_does()
    {
        var (_, client) = await sandbox.NewAccountAsync();

        var (status, body) = await client.PostJsonAsync("v1/people:createContact", new { nickName = "typo" });

        GoogleApi.AssertGoogleError(status, body, 400, "INVALID_ARGUMENT");
        Assert.Contains("nickName", body.GetProperty("error").GetProperty("message").GetString());
    }
}
