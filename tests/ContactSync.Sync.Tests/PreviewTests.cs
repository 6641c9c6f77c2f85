using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContactSync.Domain.Contacts;
using ContactSync.Providers;
using ContactSync.Sync.Tests.Support;
using Npgsql;

namespace ContactSync.Sync.Tests;

[Collection(SyncCollection.Name)]
public sealed class PreviewTests(SyncFixture system)
{
    /// <summary>
    /// A list of 750 CRM contacts against a Google group of 1,250: the figures the test computes from the data it made
    /// itself (e-mail matches in another case, imports, likely duplicates of a colleague's contacts) are the preview's,
    /// and the preview changes nothing: no event, and only reads at the provider.
    /// </summary>
    [Fact]
    public async Task A_preview_counts_what_the_first_sync_would_do_and_writes_nothing_anywhere()
    {
        var crm = await system.NewTenantAsync();
        var colleague = await system.NewUserAsync(crm);
        var run = Guid.NewGuid().ToString("N")[..8];
        const int mine = 1_500, theirs = 100;
        await Parallel.ForEachAsync(Enumerable.Range(0, mine), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            await crm.NewContactAsync(new { name = new { given = $"Prev{i}", family = "Nowak" }, emails = new[] { new { value = $"p{i}-{run}@example.com" } },
                tags = i % 2 == 0 ? new[] { "vip" } : new[] { "other" } }));
        await Parallel.ForEachAsync(Enumerable.Range(0, theirs), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            await colleague.NewContactAsync(new { name = new { given = $"Dup{i}" }, emails = new[] { new { value = $"dup{i}-{run}@example.com" } }, visibility = "company" }));
        var list = await crm.NewListAsync("Preview " + run, new { tags = new[] { "vip" } });

        // The provider group: 300 list members by e-mail (upper case), 50 CRM contacts outside the list, 100 of the
        // colleague's contacts, 800 strangers.
        var email = SyncFixture.Email();
        var account = await system.ConnectAccountAsync(crm, "google", email);
        var google = await system.AtProviderAsync("google", email);
        var group = await google.EnsureGroupAsync("Preview group " + run, CancellationToken.None);
        var linkable = Enumerable.Range(0, 300).Select(k => 2 * k).ToList();
        var outsideList = Enumerable.Range(0, 50).Select(k => 2 * k + 1).ToList();
        var seeded = linkable.Select(i => Person($"Prev{i}", $"P{i}-{run}@EXAMPLE.com"))
            .Concat(outsideList.Select(i => Person($"Prev{i}", $"p{i}-{run}@example.com")))
            .Concat(Enumerable.Range(0, theirs).Select(i => Person($"Dup{i}", $"dup{i}-{run}@example.com")))
            .Concat(Enumerable.Range(0, 800).Select(i => Person($"Stranger{i}", $"s{i}-{run}@example.org")))
            .ToList();
        foreach (var batch in seeded.Chunk(200))
            Assert.All(await google.CreateAsync(group.Id, batch, CancellationToken.None), r => Assert.True(r.Succeeded));
        var inGroup = await google.ContactsInGroupAsync(group.Id);
        Assert.Equal(seeded.Count, inGroup.Count);
        // The independent count: the list holds the even contacts; a provider contact links when its e-mail, in any
        // case, is a list member's; everything else in the group is imported.
        var listEmails = Enumerable.Range(0, mine).Where(i => i % 2 == 0).Select(i => $"p{i}-{run}@example.com").ToHashSet();
        var expectedLinks = inGroup.Count(c => c.Fields.Emails.Any(e => listEmails.Contains(e.Value.Trim().ToLowerInvariant())));
        var expectedImports = inGroup.Count - expectedLinks;
        var expectedCreates = listEmails.Count - expectedLinks;
        Assert.Equal((300, 950, 450), (expectedLinks, expectedImports, expectedCreates));
        await Eventually.TrueAsync(async () => await CountAsync(crm, $"/api/lists/{list}/contacts") == listEmails.Count, "the list's members in the read model");

        // Only the API talks to the provider from here on, so the sandbox's counts are the preview's.
        await system.StopProjectorAsync();
        try
        {
            var events = await EventCountAsync();
            var before = await StatsAsync();
            using var res = await crm.Api.PostAsJsonAsync("/api/connections/preview", new { accountId = account, scope = "list", listId = list, group = new { id = group.Id } });
            var preview = await SyncFixture.Read(res, HttpStatusCode.OK);
            var after = await StatsAsync();

            Assert.Equal(expectedCreates, preview.GetProperty("toCreateInProvider").GetProperty("count").GetInt32());
            Assert.Equal(expectedImports, preview.GetProperty("toImport").GetProperty("count").GetInt32());
            Assert.Equal(expectedLinks, preview.GetProperty("toLink").GetProperty("count").GetInt32());
            Assert.Equal(0, preview.GetProperty("toDeleteInProvider").GetProperty("count").GetInt32());
            foreach (var kind in new[] { "toCreateInProvider", "toImport", "toLink" })
                Assert.Equal(20, preview.GetProperty(kind).GetProperty("samples").GetArrayLength());
            Assert.All(preview.GetProperty("toLink").GetProperty("samples").EnumerateArray(), s => Assert.Equal("email", s.GetProperty("reason").GetString()));
            var duplicates = preview.GetProperty("warnings").EnumerateArray().Single(w => w.GetProperty("code").GetString() == "likely-duplicates");
            Assert.Equal(theirs, duplicates.GetProperty("count").GetInt32());
            Assert.All(duplicates.GetProperty("duplicates").EnumerateArray(), d => Assert.Equal(colleague.UserId, d.GetProperty("ownerId").GetGuid()));

            Assert.Equal(events, await EventCountAsync());
            var requests = after.Where(kv => kv.Value > before.GetValueOrDefault(kv.Key)).Select(kv => kv.Key).ToList();
            Assert.NotEmpty(requests);
            Assert.All(requests, r => Assert.True(r.Method == "GET" || r.Endpoint.Contains("token"), $"the preview sent {r.Method} {r.Endpoint}"));

            // A new group's preview reads nothing from the group (there is none yet) and creates every list member.
            using var fresh = await crm.Api.PostAsJsonAsync("/api/connections/preview", new { accountId = account, scope = "list", listId = list });
            var plan = await SyncFixture.Read(fresh, HttpStatusCode.OK);
            Assert.Equal(listEmails.Count, plan.GetProperty("toCreateInProvider").GetProperty("count").GetInt32());
            Assert.True(plan.GetProperty("group").GetProperty("new").GetBoolean());
            Assert.Equal(events, await EventCountAsync());
        }
        finally
        {
            await system.StartProjectorAsync();
        }
    }

    [Fact]
    public async Task A_preview_refuses_what_a_create_refuses_and_changes_nothing()
    {
        var crm = await system.NewTenantAsync();
        var colleague = await system.NewUserAsync(crm);
        var account = await system.ConnectAccountAsync(crm, "google", SyncFixture.Email());
        var list = await crm.NewListAsync("Mine", new { tags = new[] { "x" } });
        async Task RefusedAsync(CrmUser user, string body, HttpStatusCode status)
        {
            using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            using var res = await user.Api.PostAsync("/api/connections/preview", content);
            Assert.Equal(status, res.StatusCode);
            Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
        }
        await RefusedAsync(crm, "{", HttpStatusCode.BadRequest);
        await RefusedAsync(crm, "[]", HttpStatusCode.UnprocessableEntity);
        await RefusedAsync(crm, JsonSerializer.Serialize(new { accountId = account, scope = "sideways" }), HttpStatusCode.UnprocessableEntity);
        await RefusedAsync(crm, JsonSerializer.Serialize(new { accountId = Guid.NewGuid(), scope = "owned" }), HttpStatusCode.NotFound);
        await RefusedAsync(crm, JsonSerializer.Serialize(new { accountId = account, scope = "owned", group = new { id = "contactGroups/<script>" } }), HttpStatusCode.UnprocessableEntity);
        // Rule 1: another user may not preview the creator's list, nor with an account that is not theirs.
        var theirAccount = await system.ConnectAccountAsync(colleague, "google", SyncFixture.Email());
        await RefusedAsync(colleague, JsonSerializer.Serialize(new { accountId = theirAccount, scope = "list", listId = list }), HttpStatusCode.Forbidden);
        await RefusedAsync(colleague, JsonSerializer.Serialize(new { accountId = account, scope = "owned" }), HttpStatusCode.NotFound);
        // Nothing was created (other tests' connections keep appending to the log, so count this tenant's connections).
        foreach (var user in new[] { crm, colleague })
            Assert.Equal(0, (await SyncFixture.Read(await user.Api.GetAsync("/api/connections"), HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
    }

    private static NewProviderContact Person(string given, string email) =>
        new(Guid.NewGuid().ToString(), new ContactFields { Name = new PersonName(given, Family: "Nowak"), Emails = [new EmailAddress(email)] });

    private static async Task<int> CountAsync(CrmUser user, string path)
    {
        var total = 0;
        string? cursor = null;
        do
        {
            var page = await SyncFixture.Read(await user.Api.GetAsync($"{path}?limit=500{(cursor is null ? "" : "&cursor=" + cursor)}"), HttpStatusCode.OK);
            total += page.GetProperty("items").GetArrayLength();
            cursor = page.TryGetProperty("nextCursor", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        } while (cursor is not null);
        return total;
    }

    private async Task<long> EventCountAsync()
    {
        await using var conn = new NpgsqlConnection(system.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM es.events", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<Dictionary<(string Method, string Endpoint), long>> StatsAsync()
    {
        var stats = await SyncFixture.Read(await system.Sandbox.GetAsync("_sandbox/stats"), HttpStatusCode.OK);
        return stats.GetProperty("items").EnumerateArray()
            .GroupBy(s => (s.GetProperty("endpoint").GetString()!.Split(' ')[0], s.GetProperty("endpoint").GetString()!))
            .ToDictionary(g => g.Key, g => g.Sum(s => s.GetProperty("count").GetInt64()));
    }
}
