using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContactSync.Domain.Contacts;
using ContactSync.Providers;
using ContactSync.Sync.Tests.Support;

namespace ContactSync.Sync.Tests;

[Collection(SyncCollection.Name)]
public sealed class PipedriveTests(SyncFixture system)
{
    [Fact]
    public async Task One_way_from_Outlook_imports_a_folder_owned_by_the_user_with_the_chosen_visibility_and_follows_its_deletes()
    {
        var crm = await system.NewTenantAsync();
        var email = SyncFixture.Email();
        var outlook = await system.AtProviderAsync("microsoft", email);
        var folder = await outlook.EnsureGroupAsync("Clients", CancellationToken.None);
        var created = await outlook.CreateAsync(folder.Id, [.. Enumerable.Range(0, 8).Select(i => new NewProviderContact(
            Guid.NewGuid().ToString(), new ContactFields { Name = new PersonName($"Jan{i}", Family: "Kowalski"), Notes = $"note {i}",
                Emails = [new EmailAddress($"jan{i}-{Guid.NewGuid():N}@contoso.test")] }))], CancellationToken.None);
        Assert.All(created, r => Assert.True(r.Succeeded));
        var account = await system.ConnectAccountAsync(crm, "microsoft", email);

        var connection = await crm.NewConnectionAsync(new
        {
            accountId = account, scope = "owned", group = new { id = folder.Id }, direction = "from-provider", providerDeletes = "delete", visibility = "company",
        });
        await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection);

        // The connections read model can be ahead of the contacts one: wait for the imports to show.
        var imported = new List<JsonElement>();
        await Eventually.TrueAsync(async () => (imported = await ImportedAsync(crm, "Kowalski")).Count == 8, "the 8 imported contacts");
        Assert.All(imported, c =>
        {
            Assert.Equal(crm.UserId, c.GetProperty("ownerId").GetGuid());
            Assert.Equal("company", c.GetProperty("visibility").GetString());
            Assert.StartsWith("note ", c.GetProperty("notes").GetString());   // notes sync for Outlook too
        });

        // A delete in Outlook soft-deletes in the CRM (restorable), one way.
        Assert.True((await outlook.DeleteAsync([created[0].Id!], CancellationToken.None))[0].Succeeded);
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        // A run already under way when Outlook deleted may finish first: wait for the delete, not for any run.
        await Eventually.TrueAsync(async () => (await ImportedAsync(crm, "Kowalski")).Count == 7, "the Outlook delete in the CRM");
        var before = DateTimeOffset.UtcNow;

        // One way: a CRM edit never goes to Outlook.
        var kept = imported.First(c => c.GetProperty("name").GetProperty("given").GetString() == "Jan5").GetProperty("id").GetGuid();
        using (var patch = await crm.Api.PatchAsJsonAsync($"/api/contacts/{kept}", new { jobTitle = "CRM only" })) Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        before = DateTimeOffset.UtcNow;
        await crm.StepAsync(connection, "sync", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection, before);
        Assert.DoesNotContain(await outlook.ContactsInGroupAsync(folder.Id), c => c.Fields.JobTitle == "CRM only");
    }

    [Fact]
    public async Task Two_way_with_Google_pushes_only_the_users_own_contacts_and_a_CRM_delete_deletes_what_the_sync_created()
    {
        var crm = await system.NewTenantAsync();
        var colleague = await system.NewUserAsync(crm);
        var mine = await crm.NewContactAsync(new { name = new { given = "Mine" }, visibility = "company" });
        var other = await colleague.NewContactAsync(new { name = new { given = "Theirs" }, visibility = "company" });
        var email = SyncFixture.Email();
        var account = await system.ConnectAccountAsync(crm, "google", email);

        var connection = await crm.NewConnectionAsync(new { accountId = account, scope = "owned", group = new { name = "CRM " + Guid.NewGuid().ToString("N")[..6] } });
        await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
        var synced = await crm.SyncedAsync(connection);
        var google = await system.AtProviderAsync("google", email);
        var groupId = synced.GetProperty("group").GetProperty("id").GetString()!;
        var inGroup = await google.ContactsInGroupAsync(groupId);
        Assert.Equal([mine.ToString()], inGroup.Select(c => c.CrmId));
        Assert.DoesNotContain(inGroup, c => c.CrmId == other.ToString());

        using (var delete = await crm.Api.DeleteAsync($"/api/contacts/{mine}")) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await Eventually.TrueAsync(async () => (await google.ContactsInGroupAsync(groupId)).Count == 0, "the CRM delete at Google");
        Assert.Empty(await google.GetAsync([inGroup[0].Id], CancellationToken.None));
    }

    private static async Task<List<System.Text.Json.JsonElement>> ImportedAsync(CrmUser crm, string family)
    {
        List<System.Text.Json.JsonElement> found = [];
        using var res = await crm.Api.GetAsync($"/api/contacts?q={family}&limit=500");
        var page = await SyncFixture.Read(res, HttpStatusCode.OK);
        found.AddRange(page.GetProperty("items").EnumerateArray());
        return found;
    }
}
