using System.Net;
using System.Text.Json;
using ContactSync.Api.Tests.Support;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Contacts;

/// <summary>Rule 15: likely duplicates are shown with their reasons, only among the contacts the caller may see, never merged.</summary>
[Collection(ApiCollection.Name)]
public sealed class DuplicatesTests(ApiFixture api)
{
    [Fact]
    public async Task Contacts_sharing_an_email_a_phone_or_a_close_name_in_the_company_are_listed_with_their_reasons()
    {
        var t = await api.NewTenantAsync();
        var me = await api.NewUserAsync(t);
        var colleague = await api.NewUserAsync(t);
        var mine = await me.Client.NewContactAsync(new
        {
            name = new { given = "Jan", family = "Kowalski" }, company = "Firma Sp. z o.o.",
            emails = new[] { new { value = "Jan.Kowalski@Firma.pl" } }, phones = new[] { new { value = "+48 601 234 567" } },
        });
        var id = mine.GetProperty("id").GetGuid();
        var byEmail = await colleague.Client.NewContactAsync(new { name = new { given = "J.", family = "K." }, emails = new[] { new { value = " jan.kowalski@firma.PL" } }, visibility = "company" });
        var byPhone = await colleague.Client.NewContactAsync(new { name = new { given = "Biuro" }, phones = new[] { new { value = "+48 601-234-567" } }, visibility = "company" });
        var byName = await colleague.Client.NewContactAsync(new { name = new { given = "Jan", family = "Kowalsky" }, company = "firma sp. z o.o.", visibility = "company" });
        var both = await me.Client.NewContactAsync(new { name = new { display = "Kowalski Jan" }, company = "Firma Sp. z o.o.", emails = new[] { new { value = "jan.kowalski@firma.pl" } } });
        // Not listed: a contact the caller may not see, a deleted one, an unrelated one in the same company, another tenant's.
        await colleague.Client.NewContactAsync(new { name = new { given = "Hidden" }, emails = new[] { new { value = "jan.kowalski@firma.pl" } }, visibility = "owner" });
        var deleted = (await me.Client.NewContactAsync(new { emails = new[] { new { value = "jan.kowalski@firma.pl" } } })).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await me.Client.DeleteAsync($"/api/contacts/{deleted}")).StatusCode);
        await me.Client.NewContactAsync(new { name = new { given = "Anna", family = "Nowak" }, company = "Firma Sp. z o.o." });
        var elsewhere = await api.NewTenantAsync();
        var foreign = (await elsewhere.Admin.NewContactAsync(new { emails = new[] { new { value = "jan.kowalski@firma.pl" } } })).GetProperty("id").GetGuid();

        Dictionary<Guid, string[]> found = [];
        await Eventually.TrueAsync(async () =>
        {
            var page = await ReadAsync(await me.Client.GetAsync($"/api/contacts/{id}/duplicates"), HttpStatusCode.OK);
            found = page.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("contact").GetProperty("id").GetGuid(),
                i => i.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToArray());
            return found.Count >= 4;
        }, "the duplicates in the read model");

        Assert.Equal(4, found.Count);
        Assert.Equal(["email"], found[byEmail.GetProperty("id").GetGuid()]);
        Assert.Equal(["phone"], found[byPhone.GetProperty("id").GetGuid()]);
        Assert.Equal(["name"], found[byName.GetProperty("id").GetGuid()]);
        Assert.Equal(["email", "name"], found[both.GetProperty("id").GetGuid()]);

        // Never merged: every contact is still there, as it was.
        Assert.Equal("Kowalsky", (await ReadAsync(await colleague.Client.GetAsync($"/api/contacts/{byName.GetProperty("id").GetGuid()}"), HttpStatusCode.OK))
            .GetProperty("name").GetProperty("family").GetString());

        // Unknown, deleted, invisible and other tenants' contacts: 404 as if missing.
        foreach (var missing in new[] { Guid.NewGuid(), deleted, foreign })
            await ProblemAsync(await me.Client.GetAsync($"/api/contacts/{missing}/duplicates"), HttpStatusCode.NotFound);
        await ProblemAsync(await me.Client.GetAsync("/api/contacts/not-an-id/duplicates"), HttpStatusCode.NotFound);
    }
}
