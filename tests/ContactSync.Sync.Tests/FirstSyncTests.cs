using System.Net;
using System.Net.Http.Json;
using ContactSync.Domain.Contacts;
using ContactSync.Providers;
using ContactSync.Sync.Tests.Support;

namespace ContactSync.Sync.Tests;

[Collection(SyncCollection.Name)]
public sealed class FirstSyncTests(SyncFixture system)
{
    [Fact]
    public async Task A_list_syncs_to_a_new_Google_group_of_the_same_name_both_ways_and_a_Google_delete_never_deletes_in_the_CRM()
    {
        var crm = await system.NewTenantAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 12; i++)
            ids.Add(await crm.NewContactAsync(new { name = new { given = $"Ola{i}", family = "Nowak" }, emails = new[] { new { value = $"ola{i}-{Guid.NewGuid():N}@example.com" } }, tags = new[] { "vip" } }));
        var outside = await crm.NewContactAsync(new { name = new { given = "Outside" }, tags = new[] { "other" } });
        var listName = "VIP " + Guid.NewGuid().ToString("N")[..6];
        var list = await crm.NewListAsync(listName, new { tags = new[] { "vip" } });
        var email = SyncFixture.Email();
        var account = await system.ConnectAccountAsync(crm, "google", email);

        var connection = await crm.NewConnectionAsync(new { accountId = account, scope = "list", listId = list });
        await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection);

        // Planfix: a group named after the list holds exactly the list's contacts, each tagged with its CRM id.
        var google = await system.AtProviderAsync("google", email);
        var group = await google.GroupNamedAsync(listName);
        var inGroup = await google.ContactsInGroupAsync(group.Id);
        Assert.Equal(ids.Select(i => i.ToString()).Order(), inGroup.Select(c => c.CrmId!).Order());
        Assert.DoesNotContain(inGroup, c => c.CrmId == outside.ToString());

        // A CRM edit reaches Google without anyone pressing anything.
        using (var patch = await crm.Api.PatchAsJsonAsync($"/api/contacts/{ids[0]}", new { jobTitle = "Chief Tester" })) Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        await Eventually.TrueAsync(async () => (await google.ContactsInGroupAsync(group.Id)).Single(c => c.CrmId == ids[0].ToString()).Fields.JobTitle == "Chief Tester",
            "the CRM edit at Google");

        // A Google edit reaches the CRM on "sync now".
        var atGoogle = (await google.ContactsInGroupAsync(group.Id)).Single(c => c.CrmId == ids[1].ToString());
        var edited = await google.UpdateAsync([new ProviderContactUpdate(atGoogle.Id, atGoogle.Fields with { Company = "Globex" }, atGoogle.ETag)], CancellationToken.None);
        Assert.True(edited[0].Succeeded);
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await Eventually.TrueAsync(async () => (await crm.GetContactAsync(ids[1])).GetProperty("company").GetString() == "Globex", "the Google edit in the CRM");

        // A Google delete never deletes in the CRM (providerDeletes = keep, the default).
        var doomed = (await google.ContactsInGroupAsync(group.Id)).Single(c => c.CrmId == ids[2].ToString());
        Assert.True((await google.DeleteAsync([doomed.Id], CancellationToken.None))[0].Succeeded);
        var before = DateTimeOffset.UtcNow;
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection, before);
        Assert.False((await crm.GetContactAsync(ids[2])).GetProperty("deleted").GetBoolean());
    }
}
