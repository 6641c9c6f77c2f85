using System.Text.Json;
using Bogus;
using ContactSync.Domain.Contacts;
using ContactSync.Providers.Microsoft;

namespace ContactSync.Providers.Tests.Microsoft;

/// <summary>CRM → Graph → CRM gives exactly <see cref="ProviderCapabilities.Retainable"/> of the original, for
/// contacts generated in many locales (sync rule 6 depends on that projection being exact).</summary>
public sealed class MicrosoftRoundTripPropertyTests(GraphAdapterFixture sandbox) : IClassFixture<GraphAdapterFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly string[] Locales =
        ["en", "de", "fr", "ru", "ja", "zh_CN", "ar", "ko", "pt_BR", "tr", "el", "uk", "vi", "pl", "fa", "nb_NO", "sk", "es_MX", "en_IND", "cz"];

    private static readonly string?[] PhoneTypes = ["mobile", "work", "home", "other", null, "Main", "cell", "business", "workMobile", "HOME"];
    private static readonly string?[] AddressTypes = ["home", "work", "other", null, "business", "vacation"];
    private static readonly string[] Protocols = ["skype", "xmpp", "", "sip", "aim"];

    public static List<ContactFields> Generate(int count, int seed)
    {
        var random = new Randomizer(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var f = new Faker(Locales[i % Locales.Length]) { Random = random };
            string? Maybe(Func<string> value, float p = 0.7f) => f.Random.Bool(p) ? value() : null;
            List<T> Some<T>(int max, Func<T> item) => Enumerable.Range(0, f.Random.Int(0, max)).Select(_ => item()).ToList();
            var date = f.Date.Past(90, new DateTime(2020, 1, 1));
            return new ContactFields
            {
                Name = new PersonName(Maybe(() => f.Name.FirstName(), 0.9f), Maybe(() => f.Name.FirstName(), 0.2f), Maybe(() => f.Name.LastName(), 0.9f),
                    Maybe(() => f.Name.Prefix(), 0.2f), Maybe(() => f.Name.Suffix(), 0.1f), Maybe(() => f.Name.FullName(), 0.3f)),
                Emails = Some(5, () => new EmailAddress(f.Internet.Email(), f.PickRandom("work", "home", null))),
                Phones = Some(7, () => new PhoneNumber(f.Phone.PhoneNumber(), f.PickRandom(PhoneTypes), f.Random.Bool() ? "+15550100" : null)),
                Gender = Maybe(() => f.PickRandom("male", "female", "unspecified"), 0.5f),
                Birthday = f.Random.Bool(0.7f) ? new Birthday(f.Random.Bool(0.8f) ? date.Year : null, date.Month, date.Day) : null,
                Notes = Maybe(() => f.Lorem.Paragraphs(f.Random.Int(1, 3)) + " \"quoted\" ✓ 🎉", 0.5f),
                JobTitle = Maybe(() => f.Name.JobTitle()),
                Company = Maybe(() => f.Company.CompanyName()),
                Department = Maybe(() => f.Commerce.Department(), 0.5f),
                Addresses = Some(4, () => new PostalAddress(f.PickRandom(AddressTypes), Maybe(() => f.Address.StreetAddress()),
                    Maybe(() => f.Address.SecondaryAddress(), 0.3f), Maybe(() => $"PO Box {f.Random.Int(1, 999)}", 0.1f), Maybe(() => f.Address.City()),
                    Maybe(() => f.Address.State(), 0.5f), Maybe(() => f.Address.ZipCode()), Maybe(() => f.Address.Country()), Maybe(() => f.Address.CountryCode(), 0.5f))),
                Ims = Some(4, () => new InstantMessenger(f.PickRandom(Protocols), f.Random.Bool(0.9f) ? f.Internet.UserName() : "odd:handle")),
                Websites = Some(3, () => new Website(f.Internet.Url(), f.PickRandom("work", "home", null))),
                PhotoUrl = Maybe(() => f.Internet.Avatar(), 0.3f),
            };
        }).ToList();
    }

    private static readonly ContactFields[] EdgeCases =
    [
        ContactFields.Empty,
        new() { Name = new PersonName(Display: "Only A Display Name") },
        new() { Birthday = new Birthday(2000, 2, 29), Notes = "line 1\nline 2\r\n\tindented" },
        new() { Birthday = new Birthday(null, 12, 31), Gender = "female", PhotoUrl = "https://example.com/p.png" },
        new() { Ims = [new InstantMessenger("", "plain"), new InstantMessenger("skype", "a:b")], Websites = [new Website("")] },
        new() { Emails = [new EmailAddress("")], Phones = [new PhoneNumber("", "mobile"), new PhoneNumber("123", "mobile")] },
        new() { Addresses = [new PostalAddress("home", Extended: "Flat 2"), new PostalAddress("home", City: "Oslo")] },
    ];

    [Fact]
    public void Retainable_is_a_projection_applying_it_twice_changes_nothing()
    {
        var seed = Environment.TickCount;
        foreach (var fields in Generate(1000, seed).Concat(EdgeCases))
        {
            var once = GraphContactMapping.Retainable(fields);
            Assert.True(once == GraphContactMapping.Retainable(once), $"seed {seed}: {Show(fields)}");
        }
    }

    [Fact]
    public async Task Crm_to_Graph_to_Crm_gives_exactly_the_retainable_part_for_generated_contacts()
    {
        var seed = Environment.TickCount;
        var provider = (await sandbox.ConnectAsync()).Provider;
        var group = await provider.EnsureGroupAsync("Round trip", Ct);
        var originals = Generate(400, seed).Concat(EdgeCases).ToList();

        var created = await provider.CreateAsync(group.Id, originals.Select((f, i) => new NewProviderContact($"rt-{i}", f)).ToList(), Ct);
        Assert.All(created, r => Assert.True(r.Succeeded, r.Error?.Message));
        await AssertRoundTripAsync(provider, created.Select(r => r.Id!).ToList(), originals, seed);

        // Updates replace every mapped field, clearing what the new version lacks.
        var replacements = Generate(originals.Count, seed + 1);
        var updated = await provider.UpdateAsync(created.Select((r, i) => new ProviderContactUpdate(r.Id!, replacements[i], r.ETag)).ToList(), Ct);
        Assert.All(updated, r => Assert.True(r.Succeeded, r.Error?.Message));
        await AssertRoundTripAsync(provider, created.Select(r => r.Id!).ToList(), replacements, seed);
    }

    private static async Task AssertRoundTripAsync(IContactProvider provider, List<string> ids, List<ContactFields> originals, int seed)
    {
        var stored = (await provider.GetAsync(ids, Ct)).ToDictionary(c => c.Id);
        for (var i = 0; i < ids.Count; i++)
        {
            var expected = provider.Capabilities.Retainable(originals[i]);
            var actual = stored[ids[i]].Fields;
            Assert.True(expected == actual, $"seed {seed}, contact {i}:\nexpected {Show(expected)}\nactual   {Show(actual)}");
        }
    }

    private static string Show(ContactFields f) => JsonSerializer.Serialize(f);
}
