using Bogus;
using ContactSync.Domain.Contacts;

namespace ContactSync.Providers.Tests.Google;

/// <summary>Realistic CRM contacts from Bogus in many locales, with the awkward cases a sync meets: empty
/// strings, missing types, year-less birthdays, items without their main value, custom labels.</summary>
public static class Contacts
{
    public static readonly string[] Locales =
        ["en", "de", "fr", "ru", "ja", "zh_CN", "ar", "ko", "pt_BR", "es", "it", "pl", "tr", "uk", "el", "vi", "fa", "sv", "cz", "en_IND"];

    public static ContactFields Generate(Faker f)
    {
        string? Maybe(Func<string> value, float nullWeight = 0.3f) =>
            f.Random.Float() < nullWeight ? (f.Random.Bool(0.2f) ? "" : null) : value();
        string? Type(params string[] predefined) => f.Random.Float() switch
        {
            < 0.2f => null,
            < 0.3f => "",
            < 0.4f => f.Lorem.Word() + " label",
            _ => f.PickRandom(predefined),
        };

        return new ContactFields
        {
            Name = new PersonName(Maybe(() => f.Name.FirstName(), 0.1f), Maybe(() => f.Name.FirstName(), 0.7f), Maybe(() => f.Name.LastName(), 0.1f),
                Maybe(() => f.Name.Prefix(), 0.8f), Maybe(() => f.Name.Suffix(), 0.9f), Maybe(() => f.Name.FullName(), 0.8f)),
            Emails = Many(f, 3, () => new EmailAddress(f.Random.Bool(0.05f) ? "" : f.Internet.Email(), Type("home", "work", "other"))),
            Phones = Many(f, 3, () => new PhoneNumber(f.Phone.PhoneNumber(), Type("mobile", "home", "work", "main"), f.Random.Bool() ? "+" + f.Random.ReplaceNumbers("###########") : null)),
            Gender = Maybe(() => f.PickRandom("male", "female", "unspecified", "non-binary"), 0.5f),
            Birthday = f.Random.Bool(0.6f) ? null : new Birthday(f.Random.Bool(0.3f) ? null : f.Random.Bool(0.1f) ? 0 : f.Random.Int(1920, 2010), f.Random.Int(1, 12), f.Random.Int(1, 28)),
            Notes = Maybe(() => f.Random.Bool(0.2f) ? f.Lorem.Paragraphs(2) + " ✓ 😀" : f.Lorem.Sentence(), 0.5f),
            JobTitle = Maybe(() => f.Name.JobTitle(), 0.5f),
            Company = Maybe(() => f.Company.CompanyName(), 0.4f),
            Department = Maybe(() => f.Commerce.Department(), 0.6f),
            Addresses = Many(f, 2, () => f.Random.Bool(0.1f)
                ? new PostalAddress(Type("home", "work"))
                : new PostalAddress(Type("home", "work", "other"), Maybe(() => f.Address.StreetAddress(), 0.1f), Maybe(() => f.Address.SecondaryAddress(), 0.7f),
                    Maybe(() => "PO Box " + f.Random.Number(1, 999), 0.9f), Maybe(() => f.Address.City(), 0.1f), Maybe(() => f.Address.State(), 0.4f),
                    Maybe(() => f.Address.ZipCode(), 0.3f), Maybe(() => f.Address.Country(), 0.3f), Maybe(() => f.Address.CountryCode(), 0.5f))),
            Ims = Many(f, 2, () => new InstantMessenger(f.PickRandom("skype", "aim", "jabber", "qq", "matrix", ""), f.Random.Bool(0.05f) ? "" : f.Internet.UserName())),
            Websites = Many(f, 2, () => new Website(f.Internet.Url(), Type("home", "work", "blog", "profile"))),
            PhotoUrl = f.Random.Bool(0.2f) ? f.Internet.Avatar() : null,
        };
    }

    public static List<ContactFields> Generate(int count, int seed)
    {
        var list = new List<ContactFields>(count);
        for (var i = 0; i < count; i++)
        {
            var faker = new Faker(Locales[i % Locales.Length]) { Random = new Randomizer(seed + i) };
            list.Add(Generate(faker));
        }
        return list;
    }

    /// <summary>A plain contact for tests that care about flows rather than fields.</summary>
    public static ContactFields Simple(string given, string? email = null) => new()
    {
        Name = new PersonName(Given: given, Family: "Test"),
        Emails = email is null ? [] : [new EmailAddress(email, "work")],
    };

    private static List<T> Many<T>(Faker f, int max, Func<T> item) =>
        Enumerable.Range(0, f.Random.Int(0, max)).Select(_ => item()).ToList();
}
