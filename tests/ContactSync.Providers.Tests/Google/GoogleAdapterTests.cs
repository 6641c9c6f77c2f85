using ContactSync.Domain.Contacts;
using ContactSync.Providers.Google;
using Microsoft.AspNetCore.WebUtilities;

namespace ContactSync.Providers.Tests.Google;

public sealed class GoogleAdapterTests(GoogleAdapterFixture sandbox) : IClassFixture<GoogleAdapterFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static List<NewProviderContact> NewContacts(int count, string prefix) =>
        Enumerable.Range(0, count).Select(i => new NewProviderContact($"{prefix}-{i}", Contacts.Simple($"{prefix}{i}", $"{prefix}{i}@example.com"))).ToList();

    [Fact]
    public void The_authorize_uri_asks_for_offline_access_for_the_hinted_account()
    {
        var uri = sandbox.OAuth.BuildAuthorizeUri("st4te", new Uri("https://crm.example.com/cb"), "ada@example.com");

        var query = QueryHelpers.ParseQuery(uri.Query);
        Assert.StartsWith(new Uri(sandbox.BaseAddress, "o/oauth2/v2/auth").ToString(), uri.ToString());
        Assert.Equal("contactsync-tests", query["client_id"].ToString());
        Assert.Equal("https://crm.example.com/cb", query["redirect_uri"].ToString());
        Assert.Equal("st4te", query["state"].ToString());
        Assert.Equal("ada@example.com", query["login_hint"].ToString());
        Assert.Equal("offline", query["access_type"].ToString());
        Assert.Contains(GoogleOAuth.ContactsScope, query["scope"].ToString());
    }

    [Fact]
    public async Task A_pkce_challenge_goes_on_the_authorize_uri_and_the_code_is_exchanged_only_with_its_verifier()
    {
        var verifier = Pkce.NewVerifier();
        var query = QueryHelpers.ParseQuery(sandbox.OAuth.BuildAuthorizeUri("s", new Uri(GoogleAdapterFixture.Redirect), "a@b.c", Pkce.Challenge(verifier)).Query);
        Assert.Equal((Pkce.Challenge(verifier), "S256"), (query["code_challenge"].ToString(), query["code_challenge_method"].ToString()));
        Assert.DoesNotContain(verifier, query.Values.SelectMany(v => v.ToArray()));
        var email = $"pkce-{Guid.NewGuid():N}@example.com";
        var redirect = new Uri(GoogleAdapterFixture.Redirect);

        var missing = await Assert.ThrowsAsync<ReauthRequiredException>(async () =>
            await sandbox.OAuth.ExchangeCodeAsync(await sandbox.ConsentAsync(sandbox.OAuth, email, Pkce.Challenge(verifier)), redirect, null, Ct));
        var wrong = await Assert.ThrowsAsync<ReauthRequiredException>(async () =>
            await sandbox.OAuth.ExchangeCodeAsync(await sandbox.ConsentAsync(sandbox.OAuth, email, Pkce.Challenge(verifier)), redirect, Pkce.NewVerifier(), Ct));
        var grant = await sandbox.OAuth.ExchangeCodeAsync(await sandbox.ConsentAsync(sandbox.OAuth, email, Pkce.Challenge(verifier)), redirect, verifier, Ct);

        Assert.Equal(email, grant.Email);
    }

    [Fact]
    public async Task EnsureGroup_creates_a_group_once_and_lists_it_with_its_member_count()
    {
        var account = await sandbox.ConnectAsync();
        var group = await account.Provider.EnsureGroupAsync("CRM Sync", Ct);
        var again = await account.Provider.EnsureGroupAsync("crm sync", Ct);
        await account.Provider.CreateAsync(group.Id, NewContacts(2, "g"), Ct);

        var groups = await account.Provider.ListGroupsAsync(Ct);

        Assert.Equal(group.Id, again.Id);
        Assert.StartsWith("contactGroups/", group.Id);
        var listed = Assert.Single(groups);
        Assert.Equal(("CRM Sync", 2), (listed.Name, listed.MemberCount));
    }

    [Fact]
    public async Task Created_contacts_come_back_in_order_tagged_with_their_CRM_ids_and_can_be_found_by_them()
    {
        var account = await sandbox.ConnectAsync();
        var group = await account.Provider.EnsureGroupAsync("Created", Ct);
        var input = NewContacts(205, "c");

        var results = await account.Provider.CreateAsync(group.Id, input, Ct);

        Assert.Equal(input.Count, results.Count);
        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(input.Select(c => c.CrmId), results.Select(r => r.Contact!.CrmId));
        Assert.All(results, r => Assert.Contains(group.Id, r.Contact!.GroupIds));
        var read = await account.Provider.GetAsync([results[3].Id!, results[204].Id!, "people/c1"], Ct);
        Assert.Equal(new[] { "c3", "c204" }.Order(), read.Select(c => c.Fields.Name.Given).Order());
        var found = await account.Provider.FindByCrmIdAsync(group.Id, "c-150", Ct);
        Assert.Equal(results[150].Id, found?.Id);
        Assert.Null(await account.Provider.FindByCrmIdAsync(group.Id, "no-such-crm-id", Ct));
    }

    [Fact]
    public async Task A_full_sync_pages_through_the_group_and_leaves_other_contacts_out()
    {
        var account = await sandbox.ConnectAsync();
        var group = await account.Provider.EnsureGroupAsync("Paged", Ct);
        var other = await account.Provider.EnsureGroupAsync("Other", Ct);
        await account.Provider.CreateAsync(group.Id, NewContacts(1100, "p"), Ct);
        await account.Provider.CreateAsync(other.Id, NewContacts(3, "o"), Ct);

        var sync = await Sync.RunAsync(account.Provider, group.Id, null);

        Assert.Equal(2, sync.Pages);
        Assert.Equal(1100, sync.Upserts.Select(u => u.CrmId).Distinct().Count());
        Assert.All(sync.Upserts, u => Assert.StartsWith("p-", u.CrmId));
        Assert.Empty(sync.Removals);
        Assert.StartsWith("g1 S ", sync.Cursor);
    }

    [Fact]
    public async Task An_incremental_sync_reports_updates_deletions_and_contacts_that_left_the_group()
    {
        var account = await sandbox.ConnectAsync();
        var provider = account.Provider;
        var group = await provider.EnsureGroupAsync("Incremental", Ct);
        var created = await provider.CreateAsync(group.Id, NewContacts(4, "i"), Ct);
        var full = await Sync.RunAsync(provider, group.Id, null);

        var updated = await provider.UpdateAsync([new ProviderContactUpdate(created[0].Id!, Contacts.Simple("Renamed"), created[0].ETag)], Ct);
        await provider.DeleteAsync([created[1].Id!], Ct);
        await provider.ModifyGroupMembersAsync(group.Id, [], [created[2].Id!], Ct);
        var outsider = await provider.CreateAsync((await provider.EnsureGroupAsync("Elsewhere", Ct)).Id, NewContacts(1, "x"), Ct);
        var delta = await Sync.RunAsync(provider, group.Id, full.Cursor);

        Assert.True(updated[0].Succeeded);
        var upsert = Assert.Single(delta.Upserts);
        Assert.Equal(("Renamed", created[0].Id), (upsert.Fields.Name.Given, upsert.Id));
        Assert.Contains(new ProviderRemoval(created[1].Id!, RemovalReason.Deleted), delta.Removals);
        Assert.Contains(new ProviderRemoval(created[2].Id!, RemovalReason.LeftGroup), delta.Removals);
        // A contact that was never in the group shows up as "not in the group" too; the engine ignores unknown ids.
        Assert.Equal(3, delta.Removals.Count);
        Assert.Contains(new ProviderRemoval(outsider[0].Id!, RemovalReason.LeftGroup), delta.Removals);
        Assert.Empty((await Sync.RunAsync(provider, group.Id, delta.Cursor)).Upserts);
    }

    [Fact]
    public async Task An_update_with_a_stale_etag_is_a_conflict_for_that_item_only()
    {
        var account = await sandbox.ConnectAsync();
        var provider = account.Provider;
        var group = await provider.EnsureGroupAsync("Etags", Ct);
        var created = await provider.CreateAsync(group.Id, NewContacts(3, "e"), Ct);
        await provider.UpdateAsync([new ProviderContactUpdate(created[1].Id!, Contacts.Simple("Someone else"), created[1].ETag)], Ct);

        var results = await provider.UpdateAsync(
        [
            new ProviderContactUpdate(created[0].Id!, Contacts.Simple("Mine 0"), created[0].ETag),
            new ProviderContactUpdate(created[1].Id!, Contacts.Simple("Mine 1"), created[1].ETag),
            new ProviderContactUpdate(created[2].Id!, Contacts.Simple("Mine 2"), null),
        ], Ct);

        Assert.True(results[0].Succeeded);
        Assert.Equal(ProviderErrorKind.Conflict, results[1].Error?.Kind);
        Assert.Equal("Someone else", results[1].Contact?.Fields.Name.Given);
        Assert.True(results[2].Succeeded);
        var read = (await provider.GetAsync(created.Select(c => c.Id!).ToList(), Ct)).ToDictionary(c => c.Id);
        Assert.Equal(["Mine 0", "Someone else", "Mine 2"], created.Select(c => read[c.Id!].Fields.Name.Given));
        Assert.NotEqual(created[0].ETag, results[0].ETag);
    }

    [Fact]
    public async Task An_update_can_tag_a_contact_with_a_CRM_id_and_an_update_of_a_deleted_contact_is_not_found()
    {
        var account = await sandbox.ConnectAsync();
        var provider = account.Provider;
        var group = await provider.EnsureGroupAsync("Tagging", Ct);
        var created = await provider.CreateAsync(group.Id, NewContacts(2, "t"), Ct);
        await provider.DeleteAsync([created[1].Id!], Ct);

        var results = await provider.UpdateAsync(
        [
            new ProviderContactUpdate(created[0].Id!, Contacts.Simple("Linked"), created[0].ETag, CrmId: "crm-linked"),
            new ProviderContactUpdate(created[1].Id!, Contacts.Simple("Gone"), created[1].ETag),
        ], Ct);

        Assert.Equal("crm-linked", results[0].Contact?.CrmId);
        Assert.Equal(ProviderErrorKind.NotFound, results[1].Error?.Kind);
        Assert.Equal(created[0].Id, (await provider.FindByCrmIdAsync(group.Id, "crm-linked", Ct))?.Id);
    }

    [Fact]
    public async Task Deleting_contacts_that_are_already_gone_succeeds()
    {
        var account = await sandbox.ConnectAsync();
        var provider = account.Provider;
        var group = await provider.EnsureGroupAsync("Deletes", Ct);
        var created = await provider.CreateAsync(group.Id, NewContacts(3, "d"), Ct);
        await provider.DeleteAsync([created[0].Id!], Ct);

        var results = await provider.DeleteAsync(created.Select(c => c.Id!).ToList(), Ct);

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Empty(await provider.GetAsync(created.Select(c => c.Id!).ToList(), Ct));
    }

    [Fact]
    public async Task Group_membership_can_be_added_and_removed_without_deleting_contacts()
    {
        var account = await sandbox.ConnectAsync();
        var provider = account.Provider;
        var home = await provider.EnsureGroupAsync("Home", Ct);
        var extra = await provider.EnsureGroupAsync("Extra", Ct);
        var created = await provider.CreateAsync(home.Id, NewContacts(2, "m"), Ct);

        var added = await provider.ModifyGroupMembersAsync(extra.Id, [created[0].Id!, created[1].Id!, "people/c42"], [], Ct);
        var removed = await provider.ModifyGroupMembersAsync(home.Id, [], [created[0].Id!], Ct);

        Assert.Equal([true, true, false], added.Select(r => r.Succeeded));
        Assert.Equal(ProviderErrorKind.NotFound, added[2].Error?.Kind);
        Assert.True(removed[0].Succeeded);
        var read = (await provider.GetAsync([created[0].Id!], Ct)).Single();
        Assert.Contains(extra.Id, read.GroupIds);
        Assert.DoesNotContain(home.Id, read.GroupIds);
    }

    [Fact]
    public async Task An_expired_cursor_throws_CursorExpired_and_a_full_resync_returns_everything_once()
    {
        var account = await sandbox.ConnectAsync();
        var provider = account.Provider;
        var group = await provider.EnsureGroupAsync("Expiring", Ct);
        await provider.CreateAsync(group.Id, NewContacts(30, "x"), Ct);
        var full = await Sync.RunAsync(provider, group.Id, null);

        await sandbox.ExpireCursorsAsync();
        await Assert.ThrowsAsync<CursorExpiredException>(() => provider.GetChangesAsync(group.Id, full.Cursor, Ct));
        var resync = await Sync.RunAsync(provider, group.Id, null);

        Assert.Equal(full.Upserts.Select(u => u.Id).Order(), resync.Upserts.Select(u => u.Id).Order());
        Assert.Equal(30, resync.Upserts.Select(u => u.CrmId).Distinct().Count());
    }

    [Fact]
    public async Task A_revoked_grant_makes_every_call_throw_ReauthRequired_and_a_new_sign_in_recovers()
    {
        var account = await sandbox.ConnectAsync();
        var group = await account.Provider.EnsureGroupAsync("Revoked", Ct);
        await account.Provider.CreateAsync(group.Id, NewContacts(2, "r"), Ct);

        await sandbox.RevokeAsync(account.Email);

        await Assert.ThrowsAsync<ReauthRequiredException>(() => account.Provider.ListGroupsAsync(Ct));
        var restarted = new GoogleContactProvider(sandbox.OAuth, account.Grant.RefreshToken);
        await Assert.ThrowsAsync<ReauthRequiredException>(() => restarted.GetChangesAsync(group.Id, null, Ct));
        var again = await ReconnectAsync(account.Email);
        Assert.Equal(2, (await Sync.RunAsync(again, group.Id, null)).Upserts.Count);
    }

    private async Task<IContactProvider> ReconnectAsync(string email)
    {
        var uri = sandbox.OAuth.BuildAuthorizeUri("s", new Uri("http://127.0.0.1:9/cb"), email);
        using var consent = await sandbox.Control.GetAsync(uri);
        var code = QueryHelpers.ParseQuery(consent.Headers.Location!.Query)["code"].ToString();
        var grant = await sandbox.OAuth.ExchangeCodeAsync(code, new Uri("http://127.0.0.1:9/cb"), Ct);
        return new GoogleContactProvider(sandbox.OAuth, grant.RefreshToken);
    }

    [Fact]
    public async Task A_photo_set_at_Google_reaches_the_CRM_and_survives_adapter_updates()
    {
        var account = await sandbox.ConnectAsync();
        var group = await account.Provider.EnsureGroupAsync("Photos", Ct);
        var created = await account.Provider.CreateAsync(group.Id, NewContacts(1, "ph"), Ct);
        Assert.Null(created[0].Contact!.Fields.PhotoUrl);
        using var google = new HttpClient { BaseAddress = sandbox.BaseAddress };
        google.DefaultRequestHeaders.Authorization = new("Bearer", account.Grant.AccessToken);
        using var photo = await google.PatchAsync($"v1/{created[0].Id}:updateContactPhoto",
            System.Net.Http.Json.JsonContent.Create(new { photoBytes = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47]) }));
        photo.EnsureSuccessStatusCode();

        var read = (await account.Provider.GetAsync([created[0].Id!], Ct)).Single();
        var updated = await account.Provider.UpdateAsync([new ProviderContactUpdate(read.Id, Contacts.Simple("Renamed"), read.ETag)], Ct);

        Assert.StartsWith("https://lh3.googleusercontent.com/contacts/", read.Fields.PhotoUrl);
        Assert.Equal(read.Fields.PhotoUrl, updated[0].Contact?.Fields.PhotoUrl);
    }

    [Fact]
    public void Capabilities_state_Google_s_batch_limits_and_contact_cap()
    {
        var caps = GoogleCapabilities.Capabilities;

        Assert.Equal((200, 200, 500, 25_000), (caps.MaxBatchCreate, caps.MaxBatchUpdate, caps.MaxBatchDelete, caps.MaxContacts));
        var projected = caps.Retainable(new ContactFields { PhotoUrl = "https://x/p.jpg", Phones = [new PhoneNumber("030 1234", "", "+49301234")] });
        Assert.Null(projected.PhotoUrl);
        Assert.Equal(new PhoneNumber("030 1234"), Assert.Single(projected.Phones));
    }
}
