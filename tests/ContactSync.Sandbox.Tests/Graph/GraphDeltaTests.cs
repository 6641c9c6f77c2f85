using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ContactSync.Sandbox.Tests.Graph;

public sealed class GraphDeltaTests(GraphSandboxFixture sandbox) : IClassFixture<GraphSandboxFixture>
{
    private static string Id(JsonObject o) => o["id"]!.GetValue<string>();
    private static bool Removed(JsonObject o) => o["@removed"]?["reason"]?.GetValue<string>() == "deleted";

    [Fact]
    public async Task Delta_pages_by_maxpagesize_with_absolute_links_then_reports_changes_and_tombstones()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        var folder = await mailbox.CreateFolderAsync();
        var ids = new List<string>();
        for (var i = 0; i < 7; i++) ids.Add(Id(await mailbox.CreateContactAsync(new { givenName = $"C{i}" }, folder)));
        await mailbox.CreateContactAsync(new { givenName = "Elsewhere" });

        var first = await mailbox.JsonAsync(HttpMethod.Get, $"/me/contactFolders/{folder}/contacts/delta", configure: r => r.Headers.Add("Prefer", "odata.maxpagesize=3"));
        Assert.Equal(3, first["value"]!.AsArray().Count);
        Assert.StartsWith($"{sandbox.GraphRoot}/me/contactFolders/{folder}/contacts/delta?$skiptoken=", first["@odata.nextLink"]!.GetValue<string>());

        var (items, deltaLink, pages) = await mailbox.DeltaRoundAsync($"/me/contactFolders/{folder}/contacts/delta", pageSize: 3);
        Assert.Equal(3, pages);
        Assert.Equal(ids.Order(), items.Select(Id).Order());
        Assert.DoesNotContain(items, Removed);
        Assert.StartsWith($"{sandbox.GraphRoot}/me/contactFolders/{folder}/contacts/delta?$deltatoken=", deltaLink);

        var (nothing, sameRoundLink, _) = await mailbox.DeltaRoundAsync(deltaLink);
        Assert.Empty(nothing);

        await mailbox.JsonAsync(HttpMethod.Patch, $"/me/contacts/{ids[0]}", new { jobTitle = "Changed" });
        await mailbox.SendAsync(HttpMethod.Delete, $"/me/contacts/{ids[1]}");
        var added = Id(await mailbox.CreateContactAsync(new { givenName = "New" }, folder));

        var (changes, nextDelta, _) = await mailbox.DeltaRoundAsync(sameRoundLink, pageSize: 2);
        Assert.Equal("Changed", changes.Single(c => Id(c) == ids[0])["jobTitle"]!.GetValue<string>());
        Assert.True(Removed(changes.Single(c => Id(c) == ids[1])));
        Assert.Contains(changes, c => Id(c) == added && !Removed(c));
        Assert.Equal(3, changes.Count);
        Assert.Empty((await mailbox.DeltaRoundAsync(nextDelta)).Items);
    }

    [Fact]
    public async Task Delta_accepts_the_sdk_parenthesised_form_and_the_default_folder_feed()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        var folder = await mailbox.CreateFolderAsync();
        var inFolder = Id(await mailbox.CreateContactAsync(new { givenName = "F" }, folder));
        var inDefault = Id(await mailbox.CreateContactAsync(new { givenName = "D" }));

        Assert.Equal([inFolder], (await mailbox.DeltaRoundAsync($"/me/contactFolders/{folder}/contacts/delta()")).Items.Select(Id));
        Assert.Equal([inFolder], (await mailbox.DeltaRoundAsync($"/users/{mailbox.Email}/contactFolders/{folder}/contacts/microsoft.graph.delta()")).Items.Select(Id));
        Assert.Equal([inDefault], (await mailbox.DeltaRoundAsync("/me/contacts/delta()")).Items.Select(Id));
        Assert.Equal([inDefault], (await mailbox.DeltaRoundAsync("/me/contacts/delta")).Items.Select(Id));
    }

    [Fact]
    public async Task Select_on_the_initial_request_is_carried_by_the_links()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        var folder = await mailbox.CreateFolderAsync();
        await mailbox.CreateContactAsync(new { givenName = "A", surname = "One", jobTitle = "X" }, folder);
        await mailbox.CreateContactAsync(new { givenName = "B", surname = "Two", jobTitle = "Y" }, folder);

        var (items, deltaLink, _) = await mailbox.DeltaRoundAsync($"/me/contactFolders/{folder}/contacts/delta?$select=givenName,surname", pageSize: 1);
        Assert.All(items, i =>
        {
            Assert.NotNull(i["givenName"]);
            Assert.NotNull(i["@odata.etag"]);
            Assert.Null(i["jobTitle"]);
        });
        await mailbox.CreateContactAsync(new { givenName = "C", jobTitle = "Z" }, folder);
        var later = Assert.Single((await mailbox.DeltaRoundAsync(deltaLink)).Items);
        Assert.Equal("C", later["givenName"]!.GetValue<string>());
        Assert.Null(later["jobTitle"]);

        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Get, $"/me/contactFolders/{folder}/contacts/delta?$filter=givenName eq 'A'"), 400, "ErrorInvalidUrlQuery");
    }

    [Fact]
    public async Task A_contact_moved_out_of_a_folder_shows_as_removed_in_that_folder_and_added_in_the_other()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        var from = await mailbox.CreateFolderAsync();
        var to = await mailbox.CreateFolderAsync();
        var id = Id(await mailbox.CreateContactAsync(new { givenName = "Mover" }, from));
        var fromLink = (await mailbox.DeltaRoundAsync($"/me/contactFolders/{from}/contacts/delta")).DeltaLink;
        var toLink = (await mailbox.DeltaRoundAsync($"/me/contactFolders/{to}/contacts/delta")).DeltaLink;

        var move = await sandbox.Http.PostAsJsonAsync($"_sandbox/microsoft/accounts/{mailbox.Email}/contacts/{id}/move", new { folderId = to });
        move.EnsureSuccessStatusCode();

        var left = Assert.Single((await mailbox.DeltaRoundAsync(fromLink)).Items);
        Assert.Equal(id, Id(left));
        Assert.True(Removed(left));
        var arrived = Assert.Single((await mailbox.DeltaRoundAsync(toLink)).Items);
        Assert.Equal(id, Id(arrived));
        Assert.Equal(to, arrived["parentFolderId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Changes_during_a_round_surface_in_the_next_round_and_nothing_is_lost()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        var folder = await mailbox.CreateFolderAsync();
        var ids = new List<string>();
        for (var i = 0; i < 6; i++) ids.Add(Id(await mailbox.CreateContactAsync(new { givenName = $"R{i}" }, folder)));

        var first = await mailbox.JsonAsync(HttpMethod.Get, $"/me/contactFolders/{folder}/contacts/delta", configure: r => r.Headers.Add("Prefer", "odata.maxpagesize=2"));
        var seen = first["value"]!.AsArray().Select(v => Id(v!.AsObject())).ToList();
        var late = ids.Except(seen).First();
        await mailbox.JsonAsync(HttpMethod.Patch, $"/me/contacts/{late}", new { jobTitle = "Late" });
        var created = Id(await mailbox.CreateContactAsync(new { givenName = "During" }, folder));

        var (rest, deltaLink, _) = await mailbox.DeltaRoundAsync(first["@odata.nextLink"]!.GetValue<string>(), pageSize: 2);
        var (next, _, _) = await mailbox.DeltaRoundAsync(deltaLink);
        var everything = seen.Concat(rest.Select(Id)).Concat(next.Select(Id)).ToHashSet();
        Assert.Equal(ids.Append(created).Order(), everything.Order());
        Assert.Contains(next, c => Id(c) == late && c["jobTitle"]?.GetValue<string>() == "Late");
        Assert.Contains(next, c => Id(c) == created);
    }
}
