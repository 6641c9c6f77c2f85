namespace ContactSync.Providers.Tests.Google;

/// <summary>Google's per-account cap (five contacts in this sandbox): creates past it fail per item, nothing else.</summary>
public sealed class GoogleCapTests(SmallCapAdapterFixture sandbox) : IClassFixture<SmallCapAdapterFixture>
{
    [Fact]
    public async Task Creates_past_the_contact_cap_fail_as_LimitReached_and_earlier_contacts_stay()
    {
        var account = await sandbox.ConnectAsync();
        var group = await account.Provider.EnsureGroupAsync("Capped", CancellationToken.None);
        var first = await account.Provider.CreateAsync(group.Id,
            Enumerable.Range(0, 4).Select(i => new NewProviderContact($"cap-{i}", Contacts.Simple($"C{i}"))).ToList(), CancellationToken.None);

        var second = await account.Provider.CreateAsync(group.Id,
            Enumerable.Range(4, 3).Select(i => new NewProviderContact($"cap-{i}", Contacts.Simple($"C{i}"))).ToList(), CancellationToken.None);

        Assert.All(first, r => Assert.True(r.Succeeded));
        Assert.All(second, r => Assert.Equal(ProviderErrorKind.LimitReached, r.Error?.Kind));
        Assert.Equal(4, (await Sync.RunAsync(account.Provider, group.Id, null)).Upserts.Count);
    }
}
