using Bogus;
using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;

namespace ContactSync.Domain.Tests.Support;

/// <summary>Realistic contact content in several scripts, valid by construction.</summary>
public static class Fakes
{
    public static readonly string[] Locales = ["en", "de", "fr", "ru", "ja", "zh_CN", "ar", "ko", "el", "tr", "pl"];

    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    public static Actor User(string name = "Ada Lovelace") => Actor.ForUser(Guid.CreateVersion7(), name);

    public static ContactFields Fields(int seed)
    {
        var f = new Faker(Locales[Math.Abs(seed % Locales.Length)]) { Random = new Randomizer(seed) };
        var given = f.Name.FirstName();
        var family = f.Name.LastName();
        return new ContactFields
        {
            Name = new PersonName(given, f.Random.Bool(0.2f) ? f.Name.FirstName() : null, family,
                f.Random.Bool(0.2f) ? f.Name.Prefix() : null, null, f.Random.Bool() ? $"{given} {family}" : null),
            Emails = [.. Enumerable.Range(0, f.Random.Int(0, 3)).Select(i => new EmailAddress(
                $"{f.Random.AlphaNumeric(6)}.{i}@{HostLabel(f)}.{f.PickRandom("com", "de", "org", "рф", "io")}",
                f.PickRandom<string?>("home", "work", null)))],
            Phones = [.. Enumerable.Range(0, f.Random.Int(0, 3)).Select(_ => new PhoneNumber(
                f.PickRandom("+49 30 {0}", "(0{0}) 123", "+44 (0)20 {0}", "00 33 1 {0}", "{0} x12").Replace("{0}", f.Random.ReplaceNumbers("### ####"), StringComparison.Ordinal),
                f.PickRandom<string?>("mobile", "work", null)))],
            Gender = f.PickRandom<string?>("female", "male", "non-binary", null),
            Birthday = f.Random.Bool() ? new Birthday(f.Random.Bool() ? f.Random.Int(1930, 2010) : null, f.Random.Int(1, 12), f.Random.Int(1, 28)) : null,
            Notes = f.Random.Bool() ? f.Lorem.Paragraphs(2) : null,
            JobTitle = f.Random.Bool() ? f.Name.JobTitle() : null,
            Company = f.Random.Bool() ? f.Company.CompanyName() : null,
            Department = f.Random.Bool() ? f.Commerce.Department() : null,
            Addresses = [.. Enumerable.Range(0, f.Random.Int(0, 2)).Select(_ => new PostalAddress(
                "home", f.Address.StreetAddress(), null, null, f.Address.City(), f.Address.State(), f.Address.ZipCode(), f.Address.Country(), f.Address.CountryCode()))],
            Ims = [.. Enumerable.Range(0, f.Random.Int(0, 2)).Select(_ => new InstantMessenger(f.PickRandom("xmpp", "skype", "telegram"), f.Internet.UserName()))],
            Websites = [.. Enumerable.Range(0, f.Random.Int(0, 2)).Select(_ => new Website(f.Internet.Url(), f.PickRandom<string?>("blog", null)))],
            PhotoUrl = f.Random.Bool() ? f.Internet.Avatar() : null,
        };
    }

    // Bogus domain words may end in a comma or a zero-width joiner, which no host name may contain.
    private static string HostLabel(Faker f) =>
        new string([.. f.Internet.DomainWord().Where(char.IsLetterOrDigit)]) is { Length: > 0 } label ? label : "example";

    public static IReadOnlyList<string> Tags(int seed)
    {
        var f = new Faker { Random = new Randomizer(seed) };
        return [.. f.Make(f.Random.Int(0, 5), () => f.Commerce.ProductAdjective()).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    public static ContactEvent.ContactCreated Created(Guid? contactId = null, Guid? ownerId = null, ContactFields? fields = null,
        IReadOnlyList<string>? tags = null, ContactVisibility visibility = ContactVisibility.Owner, IReadOnlyList<Guid>? followers = null) =>
        new(Tenant, contactId ?? Guid.CreateVersion7(), fields ?? new ContactFields { Name = new PersonName("Grace", Family: "Hopper") },
            tags ?? [], ownerId ?? Guid.CreateVersion7(), followers ?? [], visibility, User(), T0);

    public static readonly Guid Tenant = Guid.CreateVersion7();
}
