namespace ContactSync.Providers.Tests.Google;

/// <summary>Google's per-account cap (five contacts in this sandbox): creates past it fail per item, nothing else.</summary>
public sealed class GoogleCapTests(SmallCapAdapterFixture sandbox) : IClassFixture<SmallCapAdapterFixture>
{
    [Fact]
    public async Task A_batch_past_the_contact_cap_fills_the_account_up_to_it_and_the_rest_fail_as_LimitReached()
    {
        var account = await sandbox.ConnectAsync();
        var group = await account.Provider.EnsureGroupAsync("Capped", CancellationToken.None);
        var first = await account.Provider.CreateAsync(group.Id,
            Enumerable.Range(0, 4).Select(i => new NewProviderContact($"cap-{i}", Contacts.Simple($"C{i}"))).ToList(), CancellationToken.None);

        var second = await account.Provider.CreateAsync(group.Id,
            Enumerable.Range(4, 3).Select(i => new NewProviderContact($"cap-{i}", Contacts.Simple($"C{i}"))).ToList(), CancellationToken.None);

        // Google refuses the whole batch of 3 (it would pass the cap of 5); the adapter finds that one more fits.
        Assert.All(first, r => Assert.True(r.Succeeded));
        Assert.True(second[0].Succeeded, second[0].Error?.Message);
        Assert.All(second.Skip(1), r => Assert.Equal(ProviderErrorKind.LimitReached, r.Error?.Kind));
        Assert.Equal(5, (await Sync.RunAsync(account.Provider, group.Id, null)).Upserts.Count);
    }
}
