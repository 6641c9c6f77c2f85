using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ContactSync.Sandbox.Tests.Graph;

/// <summary>The <c>propagationDelayMs</c> fault for Outlook: writes reach contact listings (also by extended
/// property) and delta late, reads by id at once. This class owns its sandbox, so the delay stays inside it.</summary>
public sealed class GraphPropagationDelayTests(GraphSandboxFixture sandbox) : IClassFixture<GraphSandboxFixture>, IAsyncLifetime
{
    private const int DelayMs = 600;
    private const string CrmIdProperty = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name crmId";

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => sandbox.SetFaultsAsync(new { provider = "microsoft", propagationDelayMs = 0 });

    private static string Id(JsonObject o) => o["id"]!.GetValue<string>();

    private static bool Removed(JsonObject o) => o["@removed"] is not null;

    private static async Task<List<JsonObject>> ListAsync(Mailbox mailbox, string path) =>
        [.. (await mailbox.GetAsync(path))["value"]!.AsArray().Select(v => v!.AsObject())];

    private static string ByCrmId(string folder, string crmId) =>
        $"/me/contactFolders/{folder}/contacts?$filter={Uri.EscapeDataString($"singleValueExtendedProperties/Any(ep: ep/id eq '{CrmIdProperty}' and ep/value eq '{crmId}')")}";

    [Fact]
    public async Task Writes_are_hidden_from_listings_and_delta_until_the_delay_passed_then_a_delta_link_from_before_delivers_them()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        var folder = await mailbox.CreateFolderAsync();
        var kept = await mailbox.CreateContactAsync(new { givenName = "Kept", jobTitle = "Before" }, folder);
        var doomed = Id(await mailbox.CreateContactAsync(new { givenName = "Doomed" }, folder));
        var before = (await mailbox.DeltaRoundAsync($"/me/contactFolders/{folder}/contacts/delta")).DeltaLink;

        await sandbox.SetFaultsAsync(new { provider = "microsoft", propagationDelayMs = DelayMs });
        var clock = Stopwatch.StartNew();
        var crmId = Guid.NewGuid().ToString();
        var added = Id(await mailbox.CreateContactAsync(new
        {
            givenName = "Added", singleValueExtendedProperties = new[] { new { id = CrmIdProperty, value = crmId } },
        }, folder));
        var updated = await mailbox.JsonAsync(HttpMethod.Patch, $"/me/contacts/{Id(kept)}", new { jobTitle = "After" },
            configure: r => r.Headers.TryAddWithoutValidation("If-Match", kept["@odata.etag"]!.GetValue<string>()));
        using (var deleted = await mailbox.SendAsync(HttpMethod.Delete, $"/me/contacts/{doomed}")) Assert.Equal(204, (int)deleted.StatusCode);

        // Reads by id and If-Match are current at once.
        var direct = await mailbox.GetAsync($"/me/contacts/{Id(kept)}");
        Assert.Equal("After", direct["jobTitle"]!.GetValue<string>());
        Assert.Equal(updated["@odata.etag"]!.GetValue<string>(), direct["@odata.etag"]!.GetValue<string>());
        Assert.Equal("Added", (await mailbox.GetAsync($"/me/contacts/{added}"))["givenName"]!.GetValue<string>());
        using (var gone = await mailbox.SendAsync(HttpMethod.Get, $"/me/contacts/{doomed}")) Assert.Equal(404, (int)gone.StatusCode);
        using (var stale = await mailbox.SendAsync(HttpMethod.Patch, $"/me/contacts/{Id(kept)}", new { jobTitle = "Lost" },
                   r => r.Headers.TryAddWithoutValidation("If-Match", kept["@odata.etag"]!.GetValue<string>())))
            Assert.Equal(412, (int)stale.StatusCode);

        // Listings, the lookup by CRM id and delta still show the state before the writes.
        var listed = await ListAsync(mailbox, $"/me/contactFolders/{folder}/contacts");
        var byCrmId = await ListAsync(mailbox, ByCrmId(folder, crmId));
        var (early, during, _) = await mailbox.DeltaRoundAsync(before);
        Assert.True(clock.ElapsedMilliseconds < DelayMs, "the machine was too slow to observe the hidden state");
        Assert.Equal(new[] { Id(kept), doomed }.Order(), listed.Select(Id).Order());
        var listedKept = listed.Single(c => Id(c) == Id(kept));
        Assert.Equal("Before", listedKept["jobTitle"]!.GetValue<string>());
        Assert.Equal(kept["@odata.etag"]!.GetValue<string>(), listedKept["@odata.etag"]!.GetValue<string>());
        Assert.Empty(byCrmId);
        Assert.Empty(early);

        // Once visible, delta links from before the writes and from while they were hidden deliver them.
        foreach (var link in new[] { before, during })
        {
            var (changes, _, _) = await Eventually.UntilAsync(() => mailbox.DeltaRoundAsync(link), r => r.Items.Count == 3,
                what: "the delayed writes in delta");
            Assert.Equal("After", changes.Single(c => Id(c) == Id(kept))["jobTitle"]!.GetValue<string>());
            Assert.False(Removed(changes.Single(c => Id(c) == added)));
            Assert.True(Removed(changes.Single(c => Id(c) == doomed)));
        }
        Assert.True(clock.ElapsedMilliseconds >= DelayMs);
        Assert.Equal([added], (await ListAsync(mailbox, ByCrmId(folder, crmId))).Select(Id));
        Assert.Equal(new[] { Id(kept), added }.Order(), (await ListAsync(mailbox, $"/me/contactFolders/{folder}/contacts")).Select(Id).Order());
    }

    [Fact]
    public async Task A_folder_move_shows_in_both_folders_delta_after_the_delay()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        var from = await mailbox.CreateFolderAsync();
        var to = await mailbox.CreateFolderAsync();
        var id = Id(await mailbox.CreateContactAsync(new { givenName = "Mover" }, from));
        var fromLink = (await mailbox.DeltaRoundAsync($"/me/contactFolders/{from}/contacts/delta")).DeltaLink;
        var toLink = (await mailbox.DeltaRoundAsync($"/me/contactFolders/{to}/contacts/delta")).DeltaLink;
        await sandbox.SetFaultsAsync(new { provider = "microsoft", propagationDelayMs = DelayMs });

        (await sandbox.Http.PostAsJsonAsync($"_sandbox/microsoft/accounts/{mailbox.Email}/contacts/{id}/move", new { folderId = to })).EnsureSuccessStatusCode();

        Assert.Equal(to, (await mailbox.GetAsync($"/me/contacts/{id}"))["parentFolderId"]!.GetValue<string>());
        var left = await Eventually.UntilAsync(() => mailbox.DeltaRoundAsync(fromLink), r => r.Items.Count > 0, what: "the departure");
        Assert.True(Removed(Assert.Single(left.Items)));
        var arrived = Assert.Single((await mailbox.DeltaRoundAsync(toLink)).Items);
        Assert.Equal(to, arrived["parentFolderId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_delay_writes_show_at_once()
    {
        await sandbox.SetFaultsAsync(new { provider = "microsoft", propagationDelayMs = 0 });
        var mailbox = await sandbox.NewMailboxAsync();
        var link = (await mailbox.DeltaRoundAsync("/me/contacts/delta")).DeltaLink;
        var id = Id(await mailbox.CreateContactAsync(new { givenName = "Now" }));

        Assert.Equal([id], (await ListAsync(mailbox, "/me/contacts")).Select(Id));
        Assert.Equal([id], (await mailbox.DeltaRoundAsync(link)).Items.Select(Id));
    }

    [Fact]
    public async Task An_out_of_range_delay_is_a_400_validation_problem_and_reset_clears_the_delay()
    {
        var response = await sandbox.Http.PostAsJsonAsync("_sandbox/faults", new { provider = "microsoft", propagationDelayMs = 600_001 });
        Assert.Equal(400, (int)response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!["propagationDelayMs"]);

        await sandbox.SetFaultsAsync(new { provider = "*", propagationDelayMs = 600_000 });
        (await sandbox.Http.PostAsync("_sandbox/reset", null)).EnsureSuccessStatusCode();
        var mailbox = await sandbox.NewMailboxAsync();
        var id = Id(await mailbox.CreateContactAsync(new { givenName = "After reset" }));
        Assert.Equal([id], (await ListAsync(mailbox, "/me/contacts")).Select(Id));
    }
}
