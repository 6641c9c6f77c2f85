using ContactSync.Domain.Contacts;
using ContactSync.Providers.Google;

namespace ContactSync.Providers.Tests.Google;

/// <summary>Sync rule 6 as a property: for a few hundred generated contacts in twenty locales,
/// CRM → Google → CRM gives exactly <c>Capabilities.Retainable(original)</c>, on every read path.</summary>
public sealed class GoogleRoundTripTests(GoogleAdapterFixture sandbox) : IClassFixture<GoogleAdapterFixture>
{
    private const int Count = 400;

    [Fact]
    public async Task Created_contacts_read_back_as_their_retainable_projection()
    {
        var account = await sandbox.ConnectAsync();
        var group = await account.Provider.EnsureGroupAsync("Round trip", CancellationToken.None);
        var originals = Contacts.Generate(Count, seed: 20_240_609);
        var input = originals.Select((f, i) => new NewProviderContact($"rt-{i}", f)).ToList();

        var created = await account.Provider.CreateAsync(group.Id, input, CancellationToken.None);
        var listed = (await Sync.RunAsync(account.Provider, group.Id, null)).Upserts.ToDictionary(c => c.CrmId!);
        var fetched = (await account.Provider.GetAsync(created.Select(c => c.Id!).ToList(), CancellationToken.None)).ToDictionary(c => c.CrmId!);

        for (var i = 0; i < Count; i++)
        {
            var expected = account.Provider.Capabilities.Retainable(originals[i]);
            AssertSame(expected, created[i].Contact!.Fields, $"create answer #{i}");
            AssertSame(expected, listed[$"rt-{i}"].Fields, $"connections.list #{i}");
            AssertSame(expected, fetched[$"rt-{i}"].Fields, $"getBatchGet #{i}");
        }
    }

    [Fact]
    public async Task Updated_contacts_read_back_as_the_retainable_projection_of_the_new_fields()
    {
        var account = await sandbox.ConnectAsync();
        var group = await account.Provider.EnsureGroupAsync("Round trip updates", CancellationToken.None);
        var before = Contacts.Generate(Count / 2, seed: 7);
        var after = Contacts.Generate(Count / 2, seed: 99_001);
        var created = await account.Provider.CreateAsync(group.Id, before.Select((f, i) => new NewProviderContact($"u-{i}", f)).ToList(), CancellationToken.None);

        var updated = await account.Provider.UpdateAsync(
            created.Select((c, i) => new ProviderContactUpdate(c.Id!, after[i], c.ETag)).ToList(), CancellationToken.None);
        var listed = (await Sync.RunAsync(account.Provider, group.Id, null)).Upserts.ToDictionary(c => c.CrmId!);

        for (var i = 0; i < after.Count; i++)
        {
            var expected = GoogleCapabilities.Retainable(after[i]);
            Assert.True(updated[i].Succeeded, updated[i].Error?.Message);
            AssertSame(expected, updated[i].Contact!.Fields, $"update answer #{i}");
            AssertSame(expected, listed[$"u-{i}"].Fields, $"connections.list #{i}");
        }
    }

    [Fact]
    public void The_projection_is_idempotent()
    {
        foreach (var original in Contacts.Generate(Count, seed: 3))
        {
            var once = GoogleCapabilities.Retainable(original);
            Assert.Equal(once, GoogleCapabilities.Retainable(once));
        }
    }

    private static void AssertSame(ContactFields expected, ContactFields actual, string where)
    {
        // Compare field by field first so that a failure names the field, then the whole record.
        Assert.True(expected.Name == actual.Name, $"{where}: name {expected.Name} != {actual.Name}");
        Assert.True(expected.Emails.SequenceEqual(actual.Emails), $"{where}: emails");
        Assert.True(expected.Phones.SequenceEqual(actual.Phones), $"{where}: phones");
        Assert.True(expected.Addresses.SequenceEqual(actual.Addresses), $"{where}: addresses");
        Assert.True(expected.Ims.SequenceEqual(actual.Ims), $"{where}: ims");
        Assert.True(expected.Websites.SequenceEqual(actual.Websites), $"{where}: websites");
        Assert.True(expected.Birthday == actual.Birthday, $"{where}: birthday {expected.Birthday} != {actual.Birthday}");
        Assert.True(expected == actual, $"{where}: {expected} != {actual}");
    }
}
