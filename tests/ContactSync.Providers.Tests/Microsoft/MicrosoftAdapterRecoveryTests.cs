using System.Net.Http.Json;
using ContactSync.Domain.Contacts;

namespace ContactSync.Providers.Tests.Microsoft;

/// <summary>Cursor expiry is sandbox-wide, so these tests have a sandbox of their own.</summary>
public sealed class MicrosoftAdapterRecoveryTests(GraphAdapterFixture sandbox) : IClassFixture<GraphAdapterFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static NewProviderContact Contact(int i) =>
        new($"crm-{i}", new ContactFields { Name = new PersonName($"G{i}", Family: $"F{i}") });

    [Fact]
    public async Task An_expired_delta_link_raises_CursorExpired_and_a_full_resync_returns_every_contact_once()
    {
        var provider = (await sandbox.ConnectAsync()).Provider;
        var group = await provider.EnsureGroupAsync("Expiring", Ct);
        var created = await provider.CreateAsync(group.Id, Enumerable.Range(0, 25).Select(Contact).ToList(), Ct);
        string cursor = "";
        for (ChangePage? page = null; page is null || page.HasMore;)
            cursor = (page = await provider.GetChangesAsync(group.Id, page?.Cursor, Ct)).Cursor;
        await provider.DeleteAsync([created[0].Id!], Ct);

        await sandbox.SetFaultsAsync(new { provider = "microsoft", expireCursors = true });
        await Assert.ThrowsAsync<CursorExpiredException>(() => provider.GetChangesAsync(group.Id, cursor, Ct));

        var ids = new List<string>();
        for (ChangePage? page = null; page is null || page.HasMore;)
        {
            page = await provider.GetChangesAsync(group.Id, page?.Cursor, Ct);
            Assert.True(page.IsFullSync);
            ids.AddRange(page.Upserts.Select(u => u.Id));
        }
        Assert.Equal(created.Skip(1).Select(c => c.Id!).Order(), ids.Order());
    }

    [Fact]
    public async Task A_cursor_that_is_not_a_delta_link_is_treated_as_expired()
    {
        var provider = (await sandbox.ConnectAsync()).Provider;
        var group = await provider.EnsureGroupAsync("Odd", Ct);
        await Assert.ThrowsAsync<CursorExpiredException>(() => provider.GetChangesAsync(group.Id, "something-else", Ct));
    }

    [Fact]
    public async Task A_revoked_grant_raises_ReauthRequired_for_reads_and_writes()
    {
        var account = await sandbox.ConnectAsync();
        var group = await account.Provider.EnsureGroupAsync("Revoked", Ct);

        (await sandbox.Http.PostAsync($"_sandbox/microsoft/accounts/{account.Email}/revoke", null)).EnsureSuccessStatusCode();

        await Assert.ThrowsAsync<ReauthRequiredException>(() => account.Provider.ListGroupsAsync(Ct));
        await Assert.ThrowsAsync<ReauthRequiredException>(() => account.Provider.GetChangesAsync(group.Id, null, Ct));
        await Assert.ThrowsAsync<ReauthRequiredException>(() => account.Provider.CreateAsync(group.Id, [Contact(1)], Ct));
    }
}
