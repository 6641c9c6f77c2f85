using System.Net;

namespace ContactSync.Sandbox.Tests.Google;

/// <summary>The per-account contact cap (25,000 at Google; three in this sandbox so the test stays small).</summary>
public sealed class GoogleLimitTests(SmallCapFixture sandbox) : IClassFixture<SmallCapFixture>
{
    [Fact]
    public async Task A_create_beyond_the_cap_fails_with_400_FAILED_PRECONDITION_and_a_reason()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        for (var i = 0; i < 3; i++) await client.CreateContactAsync($"C{i}");

        var (status, body) = await client.PostJsonAsync("v1/people:createContact", new { names = new[] { new { givenName = "Fourth" } } });

        GoogleApi.AssertGoogleError(status, body, 400, "FAILED_PRECONDITION", "MAX_CONTACTS_EXCEEDED");
        var (_, list) = await client.GetJsonAsync("v1/people/me/connections?personFields=names");
        Assert.Equal(3, list.Items("connections").Count());
    }

    [Fact]
    public async Task A_batch_that_would_pass_the_cap_creates_nothing_while_deleting_frees_room()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var first = await client.CreateContactAsync("First");
        var batch = new { contacts = Enumerable.Range(0, 3).Select(i => new { contactPerson = new { names = new[] { new { givenName = $"B{i}" } } } }) };

        var (status, body) = await client.PostJsonAsync("v1/people:batchCreateContacts", batch);
        GoogleApi.AssertGoogleError(status, body, 400, "FAILED_PRECONDITION", "MAX_CONTACTS_EXCEEDED");

        await client.SendJsonAsync(HttpMethod.Delete, $"v1/{first.ResourceName}:deleteContact");
        var (retryStatus, _) = await client.PostJsonAsync("v1/people:batchCreateContacts", batch);
        Assert.Equal(HttpStatusCode.OK, retryStatus);
    }
}
