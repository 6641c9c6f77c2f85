using System.Net.Http.Json;
using ContactSync.Domain.Contacts;
using ContactSync.Providers.Microsoft;
using Microsoft.AspNetCore.WebUtilities;

namespace ContactSync.Providers.Tests.Microsoft;

public sealed class MicrosoftAdapterTests(GraphAdapterFixture sandbox) : IClassFixture<GraphAdapterFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static ContactFields Person(string given, string family, string? email = null) => new()
    {
        Name = new PersonName(given, Family: family),
        Emails = email is null ? [] : [new EmailAddress(email, "work")],
        Phones = [new PhoneNumber("+44 20 7946 0958", "mobile")],
        Company = "Contoso",
    };

    private static async Task<List<ChangePage>> DrainAsync(IContactProvider provider, string groupId, string? cursor)
    {
        var pages = new List<ChangePage>();
        do
        {
            var page = await provider.GetChangesAsync(groupId, cursor, Ct);
            pages.Add(page);
            cursor = page.Cursor;
        } while (pages[^1].HasMore);
        return pages;
    }

    [Fact]
    public async Task Authorization_flow_returns_a_grant_for_the_signed_in_account()
    {
        var account = await sandbox.ConnectAsync();
        Assert.Equal(account.Email, account.Grant.Email);
        Assert.False(string.IsNullOrEmpty(account.Grant.RefreshToken));
        Assert.True(account.Grant.AccessTokenExpiresAt > DateTimeOffset.UtcNow);
        var uri = new MicrosoftAuthorization(sandbox.Http, sandbox.Options()).BuildAuthorizeUri("s", new Uri("https://x.example/cb"), "a@b.c");
        Assert.Equal($"{sandbox.BaseAddress}common/oauth2/v2.0/authorize", uri.GetLeftPart(UriPartial.Path));
        Assert.Contains("offline_access", Uri.UnescapeDataString(uri.Query));
    }

    [Fact]
    public async Task A_pkce_challenge_goes_on_the_authorize_uri_and_the_code_is_redeemed_only_with_its_verifier()
    {
        var authorization = new MicrosoftAuthorization(sandbox.Http, sandbox.Options());
        var verifier = Pkce.NewVerifier();
        var query = QueryHelpers.ParseQuery(authorization.BuildAuthorizeUri("s", new Uri(GraphAdapterFixture.Redirect), "a@b.c", Pkce.Challenge(verifier)).Query);
        Assert.Equal((Pkce.Challenge(verifier), "S256"), (query["code_challenge"].ToString(), query["code_challenge_method"].ToString()));
        Assert.DoesNotContain(verifier, query.Values.SelectMany(v => v.ToArray()));
        var email = $"pkce-{Guid.NewGuid():N}@contoso.test";
        var redirect = new Uri(GraphAdapterFixture.Redirect);

        await Assert.ThrowsAsync<ReauthRequiredException>(async () =>
            await authorization.ExchangeCodeAsync(await sandbox.ConsentAsync(authorization, email, Pkce.Challenge(verifier)), redirect, null, Ct));
        await Assert.ThrowsAsync<ReauthRequiredException>(async () =>
            await authorization.ExchangeCodeAsync(await sandbox.ConsentAsync(authorization, email, Pkce.Challenge(verifier)), redirect, Pkce.NewVerifier(), Ct));
        var grant = await authorization.ExchangeCodeAsync(await sandbox.ConsentAsync(authorization, email, Pkce.Challenge(verifier)), redirect, verifier, Ct);

        Assert.Equal(email, grant.Email);
    }

    [Fact]
    public async Task EnsureGroup_creates_the_folder_once_and_ListGroups_shows_it_with_its_member_count()
    {
        var provider = (await sandbox.ConnectAsync()).Provider;
        var first = await provider.EnsureGroupAsync("Customers", Ct);
        var second = await provider.EnsureGroupAsync("customers", Ct);
        Assert.Equal(first.Id, second.Id);
        await provider.CreateAsync(first.Id, [new("g-1", Person("A", "B")), new("g-2", Person("C", "D"))], Ct);
        var listed = Assert.Single(await provider.ListGroupsAsync(Ct));
        Assert.Equal(("Customers", 2), (listed.Name, listed.MemberCount));
    }

    [Fact]
    public async Task Created_contacts_arrive_in_a_full_sync_and_later_changes_in_the_next_round()
    {
        var provider = (await sandbox.ConnectAsync()).Provider;
        var group = await provider.EnsureGroupAsync("Sync", Ct);
        var created = await provider.CreateAsync(group.Id,
            Enumerable.Range(0, 45).Select(i => new NewProviderContact($"crm-{i}", Person($"Given{i}", $"Family{i}", $"p{i}@contoso.com"))).ToList(), Ct);
        Assert.All(created, r => Assert.True(r.Succeeded, r.Error?.Message));
        Assert.Equal(45, created.Select(r => r.Id).Distinct().Count());
        Assert.Equal("crm-7", created[7].Contact!.CrmId);

        var full = await DrainAsync(provider, group.Id, null);
        Assert.All(full, p => Assert.True(p.IsFullSync));
        Assert.Equal(created.Select(r => r.Id).Order(), full.SelectMany(p => p.Upserts).Select(u => u.Id).Order());
        Assert.Equal(GraphContactMapping.Retainable(Person("Given3", "Family3", "p3@contoso.com")),
            full.SelectMany(p => p.Upserts).Single(u => u.Id == created[3].Id).Fields);
        Assert.Empty(full.SelectMany(p => p.Removals));

        var updated = await provider.UpdateAsync([new ProviderContactUpdate(created[0].Id!, Person("Renamed", "Family0"), created[0].ETag)], Ct);
        Assert.True(updated[0].Succeeded);
        Assert.True((await provider.DeleteAsync([created[1].Id!], Ct))[0].Succeeded);

        var next = await DrainAsync(provider, group.Id, full[^1].Cursor);
        Assert.All(next, p => Assert.False(p.IsFullSync));
        var upsert = Assert.Single(next.SelectMany(p => p.Upserts));
        Assert.Equal("Renamed", upsert.Fields.Name.Given);
        Assert.Equal("crm-0", upsert.CrmId);
        Assert.Equal(new ProviderRemoval(created[1].Id!, RemovalReason.Deleted), Assert.Single(next.SelectMany(p => p.Removals)));
    }

    [Fact]
    public async Task FindByCrmId_and_Get_return_the_contact_with_its_crm_id()
    {
        var provider = (await sandbox.ConnectAsync()).Provider;
        var group = await provider.EnsureGroupAsync("Find", Ct);
        var crmId = Guid.NewGuid().ToString();
        var id = (await provider.CreateAsync(group.Id, [new NewProviderContact(crmId, Person("Ada", "Lovelace"))], Ct))[0].Id!;

        var found = await provider.FindByCrmIdAsync(group.Id, crmId, Ct);
        Assert.Equal(id, found!.Id);
        Assert.Equal(crmId, found.CrmId);
        Assert.Equal([group.Id], found.GroupIds);
        Assert.Null(await provider.FindByCrmIdAsync(group.Id, "it's-missing", Ct));

        var fetched = await provider.GetAsync([id, "AAMkADmissing"], Ct);
        Assert.Equal(crmId, Assert.Single(fetched).CrmId);
    }

    [Fact]
    public async Task A_stale_etag_makes_that_update_a_conflict_and_leaves_the_others_alone()
    {
        var provider = (await sandbox.ConnectAsync()).Provider;
        var group = await provider.EnsureGroupAsync("Etags", Ct);
        var created = await provider.CreateAsync(group.Id, [new("a", Person("A", "One")), new("b", Person("B", "Two"))], Ct);
        Assert.True((await provider.UpdateAsync([new(created[0].Id!, Person("A", "Changed"), null)], Ct))[0].Succeeded);

        var results = await provider.UpdateAsync(
        [
            new(created[0].Id!, Person("A", "Stale"), created[0].ETag),
            new(created[1].Id!, Person("B", "Fresh"), created[1].ETag),
        ], Ct);
        Assert.Equal(ProviderErrorKind.Conflict, results[0].Error!.Kind);
        Assert.Equal(412, results[0].Error!.HttpStatus);
        Assert.True(results[1].Succeeded);
        Assert.NotEqual(created[1].ETag, results[1].ETag);
        var now = await provider.GetAsync([created[0].Id!, created[1].Id!], Ct);
        Assert.Equal(["Changed", "Fresh"], now.Select(c => c.Fields.Name.Family!));
    }

    [Fact]
    public async Task Deleting_a_contact_that_is_already_gone_succeeds()
    {
        var provider = (await sandbox.ConnectAsync()).Provider;
        var group = await provider.EnsureGroupAsync("Deletes", Ct);
        var id = (await provider.CreateAsync(group.Id, [new("d", Person("D", "Four"))], Ct))[0].Id!;
        Assert.True((await provider.DeleteAsync([id], Ct))[0].Succeeded);
        Assert.True((await provider.DeleteAsync([id], Ct))[0].Succeeded);
        Assert.Empty(await provider.GetAsync([id], Ct));
    }

    [Fact]
    public async Task Removing_from_the_group_and_adding_back_moves_the_contact_and_keeps_its_crm_id()
    {
        var provider = (await sandbox.ConnectAsync()).Provider;
        var group = await provider.EnsureGroupAsync("Members", Ct);
        var original = (await provider.CreateAsync(group.Id, [new("m-1", Person("Moe", "Ver"))], Ct))[0].Id!;
        var cursor = (await DrainAsync(provider, group.Id, null))[^1].Cursor;

        var removed = Assert.Single(await provider.ModifyGroupMembersAsync(group.Id, [], [original], Ct));
        Assert.True(removed.Succeeded, removed.Error?.Message);
        Assert.NotEqual(group.Id, removed.Contact!.GroupIds.Single());
        Assert.Equal("m-1", (await provider.GetAsync([removed.Id!], Ct)).Single().CrmId);
        Assert.Null(await provider.FindByCrmIdAsync(group.Id, "m-1", Ct));
        var left = await DrainAsync(provider, group.Id, cursor);
        Assert.Equal(original, Assert.Single(left.SelectMany(p => p.Removals)).Id);

        var added = Assert.Single(await provider.ModifyGroupMembersAsync(group.Id, [removed.Id!], [], Ct));
        Assert.True(added.Succeeded, added.Error?.Message);
        var back = await provider.FindByCrmIdAsync(group.Id, "m-1", Ct);
        Assert.Equal(added.Id, back!.Id);
        Assert.Equal(GraphContactMapping.Retainable(Person("Moe", "Ver")), back.Fields);
        Assert.True(Assert.Single(await provider.ModifyGroupMembersAsync(group.Id, [back.Id], [], Ct)).Succeeded);
    }

    [Fact]
    public async Task A_contact_moved_to_another_folder_in_Outlook_is_reported_as_having_left_the_group()
    {
        var account = await sandbox.ConnectAsync();
        var provider = account.Provider;
        var group = await provider.EnsureGroupAsync("Watched", Ct);
        var elsewhere = await provider.EnsureGroupAsync("Elsewhere", Ct);
        var id = (await provider.CreateAsync(group.Id, [new("w", Person("Wan", "Derer"))], Ct))[0].Id!;
        var cursor = (await DrainAsync(provider, group.Id, null))[^1].Cursor;

        var move = await sandbox.Http.PostAsJsonAsync($"_sandbox/microsoft/accounts/{account.Email}/contacts/{id}/move", new { folderId = elsewhere.Id });
        move.EnsureSuccessStatusCode();

        var pages = await DrainAsync(provider, group.Id, cursor);
        Assert.Equal(new ProviderRemoval(id, RemovalReason.LeftGroup), Assert.Single(pages.SelectMany(p => p.Removals)));
    }

    [Fact]
    public async Task Values_beyond_what_Outlook_holds_are_left_out_instead_of_failing_the_write()
    {
        var provider = (await sandbox.ConnectAsync()).Provider;
        var group = await provider.EnsureGroupAsync("Caps", Ct);
        var fields = new ContactFields
        {
            Name = new PersonName("Many", Family: "Values"),
            Emails = Enumerable.Range(1, 5).Select(i => new EmailAddress($"m{i}@contoso.com")).ToList(),
            Phones = [new("1", "work"), new("2", "work"), new("3", "work"), new("4", "home"), new("5", "mobile"), new("6", "mobile"), new("7", null)],
            Gender = "female",
            Birthday = new Birthday(null, 3, 14),
            Websites = [new Website("https://a.example"), new Website("https://b.example")],
        };
        var result = (await provider.CreateAsync(group.Id, [new("caps", fields)], Ct))[0];
        Assert.True(result.Succeeded, result.Error?.Message);
        var stored = (await provider.GetAsync([result.Id!], Ct)).Single().Fields;
        Assert.Equal(3, stored.Emails.Count);
        Assert.Equal(["5", "1", "2", "4"], stored.Phones.Select(p => p.Value));
        Assert.Null(stored.Gender);
        Assert.Null(stored.Birthday);
        Assert.Equal(GraphContactMapping.Retainable(fields), stored);
    }

    [Fact]
    public async Task Every_request_asks_for_immutable_ids_and_writes_go_in_batches_of_twenty()
    {
        var recorder = new RecordingHandler();
        var provider = (await sandbox.ConnectAsync(recorder)).Provider;
        var group = await provider.EnsureGroupAsync("Wire", Ct);
        await provider.CreateAsync(group.Id, Enumerable.Range(0, 41).Select(i => new NewProviderContact($"w{i}", Person("W", $"{i}"))).ToList(), Ct);
        await DrainAsync(provider, group.Id, null);

        var graphCalls = recorder.Requests.Where(r => r.Uri.AbsolutePath.StartsWith("/v1.0/", StringComparison.Ordinal)).ToList();
        Assert.All(graphCalls, r => Assert.Contains("IdType=\"ImmutableId\"", r.Prefer));
        var batches = graphCalls.Where(r => r.Uri.AbsolutePath == "/v1.0/$batch").ToList();
        Assert.Equal(3, batches.Count);
        Assert.All(batches, b => Assert.Contains("ImmutableId", b.Body));
        Assert.Contains(graphCalls, r => r.Uri.AbsolutePath.EndsWith("/contacts/delta()", StringComparison.Ordinal) && r.Prefer!.Contains("odata.maxpagesize"));
        Assert.Contains(recorder.Requests, r => r.Uri.AbsolutePath == "/common/oauth2/v2.0/token" && r.Body!.Contains("grant_type=refresh_token"));
    }
}
