using System.Net;

namespace ContactSync.Sandbox.Tests.Google;

public sealed class GoogleGroupsTests(GoogleSandboxFixture sandbox) : IClassFixture<GoogleSandboxFixture>
{
    [Fact]
    public async Task A_duplicate_group_name_is_409_ALREADY_EXISTS()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var (status, group) = await client.PostJsonAsync("v1/contactGroups", new { contactGroup = new { name = "Clients" } });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("contactGroups/", group.GetProperty("resourceName").GetString());
        Assert.Equal("USER_CONTACT_GROUP", group.GetProperty("groupType").GetString());

        var (dupStatus, dup) = await client.PostJsonAsync("v1/contactGroups", new { contactGroup = new { name = "Clients" } });

        GoogleApi.AssertGoogleError(dupStatus, dup, 409, "ALREADY_EXISTS");
    }

    [Fact]
    public async Task Members_modify_adds_and_removes_and_reports_unknown_names()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var (_, group) = await client.PostJsonAsync("v1/contactGroups", new { contactGroup = new { name = "Team" } });
        var groupName = group.GetProperty("resourceName").GetString()!;
        var a = await client.CreateContactAsync("A");
        var b = await client.CreateContactAsync("B");

        var (status, body) = await client.PostJsonAsync($"v1/{groupName}/members:modify",
            new { resourceNamesToAdd = new[] { a.ResourceName, b.ResourceName, "people/c999" } });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["people/c999"], body.Items("notFoundResourceNames").Select(n => n.GetString()));
        var (_, withMembers) = await client.GetJsonAsync($"v1/{groupName}?maxMembers=10");
        Assert.Equal(2, withMembers.GetProperty("memberCount").GetInt32());
        Assert.Equal(new[] { a.ResourceName, b.ResourceName }.Order(), withMembers.Items("memberResourceNames").Select(n => n.GetString()!).Order());

        await client.PostJsonAsync($"v1/{groupName}/members:modify", new { resourceNamesToRemove = new[] { a.ResourceName } });
        var (_, after) = await client.GetJsonAsync($"v1/{groupName}?maxMembers=10");
        Assert.Equal([b.ResourceName], after.Items("memberResourceNames").Select(n => n.GetString()));
        var (_, person) = await client.GetJsonAsync($"v1/{a.ResourceName}?personFields=memberships");
        Assert.Equal(["contactGroups/myContacts"], person.Items("memberships").Select(m => m.GetProperty("contactGroupMembership").GetProperty("contactGroupResourceName").GetString()));
    }

    [Fact]
    public async Task Members_modify_over_1000_names_is_400()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var (_, group) = await client.PostJsonAsync("v1/contactGroups", new { contactGroup = new { name = "Big" } });

        var (status, body) = await client.PostJsonAsync($"v1/{group.GetProperty("resourceName").GetString()}/members:modify", new
        {
            resourceNamesToAdd = Enumerable.Range(0, 600).Select(i => $"people/c{i}"),
            resourceNamesToRemove = Enumerable.Range(0, 401).Select(i => $"people/c{i}"),
        });

        GoogleApi.AssertGoogleError(status, body, 400, "INVALID_ARGUMENT");
    }

    [Fact]
    public async Task A_contact_created_with_a_membership_is_in_that_group_and_in_myContacts()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var (_, group) = await client.PostJsonAsync("v1/contactGroups", new { contactGroup = new { name = "Sync" } });
        var groupName = group.GetProperty("resourceName").GetString()!;

        var (_, person) = await client.PostJsonAsync("v1/people:createContact?personFields=memberships", new
        {
            names = new[] { new { givenName = "M" } },
            memberships = new[] { new { contactGroupMembership = new { contactGroupResourceName = groupName } } },
        });

        Assert.Equal(new[] { "contactGroups/myContacts", groupName }.Order(),
            person.Items("memberships").Select(m => m.GetProperty("contactGroupMembership").GetProperty("contactGroupResourceName").GetString()!).Order());
    }

    [Fact]
    public async Task Renaming_and_deleting_a_group_work_and_deleted_groups_are_404()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var (_, group) = await client.PostJsonAsync("v1/contactGroups", new { contactGroup = new { name = "Before" } });
        var groupName = group.GetProperty("resourceName").GetString()!;

        var (renameStatus, renamed) = await client.SendJsonAsync(HttpMethod.Put, $"v1/{groupName}",
            new { contactGroup = new { name = "After", etag = group.GetProperty("etag").GetString() } });
        Assert.Equal(HttpStatusCode.OK, renameStatus);
        Assert.Equal("After", renamed.GetProperty("name").GetString());

        Assert.Equal(HttpStatusCode.OK, (await client.SendJsonAsync(HttpMethod.Delete, $"v1/{groupName}")).Status);
        var (status, body) = await client.GetJsonAsync($"v1/{groupName}");
        GoogleApi.AssertGoogleError(status, body, 404, "NOT_FOUND");
        var (_, list) = await client.GetJsonAsync("v1/contactGroups");
        Assert.DoesNotContain(list.Items("contactGroups"), g => g.GetProperty("resourceName").GetString() == groupName);
    }
}
