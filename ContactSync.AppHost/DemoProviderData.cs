using Bogus;

namespace ContactSync.AppHost;

/// <summary>
/// The demo's provider side: a Google account and an Outlook mailbox in the sandbox, each with a few hundred
/// realistic contacts in several locales and scripts. Generated from a fixed seed, so every run (and every
/// machine) gets the same people; a few share an e-mail address with a CRM demo contact, so the first sync
/// links them instead of importing twins.
/// </summary>
internal static class DemoProviderData
{
    /// <summary>The sandbox accounts the demo admin connects (the walk-through's <c>loginHint</c>).</summary>
    public const string GoogleEmail = "ada.google@demo.contactsync.local";
    public const string MicrosoftEmail = "ada.outlook@demo.contactsync.local";

    /// <summary>The Google contact group and the Outlook contact folder the generated contacts are in.</summary>
    public const string GroupName = "Customers";

    public const int ContactsPerAccount = 300;

    private static readonly string[] Locales = ["en", "de", "fr", "pl", "ru", "ja", "ar", "es"];

    /// <summary>One provider contact, neutral of the provider's wire shape.</summary>
    internal sealed record Person(string Given, string Family, string Email, string? WorkPhone, string? MobilePhone, string? Company, string? JobTitle);

    public static IReadOnlyList<Person> Google { get; } = Generate(seed: 20261201, shared: SharedWithCrm(mobile: true, 0, 1, 7, 9, 11));

    public static IReadOnlyList<Person> Microsoft { get; } = Generate(seed: 20261202, shared: SharedWithCrm(mobile: false, 3, 9, 11, 0, 7));

    /// <summary>The CRM demo contacts (DemoData) at given indexes, as a provider holds them: same name and e-mail, another phone.</summary>
    private static IReadOnlyList<Person> SharedWithCrm(bool mobile, params int[] indexes) =>
        [.. indexes.Select(i => DemoData.People[i]).Select((p, n) => new Person(p.Given, p.Family, p.Email,
            mobile ? null : $"+1 555 01{n:D2}", mobile ? $"+44 7700 9000{n:D2}" : null, p.Company, p.JobTitle))];

    private static List<Person> Generate(int seed, IReadOnlyList<Person> shared)
    {
        var people = new List<Person>(shared);
        var emails = new HashSet<string>(shared.Select(p => p.Email), StringComparer.OrdinalIgnoreCase);
        var fakers = Locales.Select((locale, i) => new Faker(locale) { Random = new Randomizer(seed + i) }).ToArray();
        var ascii = new Faker("en") { Random = new Randomizer(seed - 1) };
        for (var n = 0; people.Count < ContactsPerAccount; n++)
        {
            var f = fakers[n % fakers.Length];
            var given = f.Name.FirstName();
            var family = f.Name.LastName();
            // Bogus transliterates most scripts for user names; where it cannot (Japanese names come out empty, leaving
            // ".51@..."), an ASCII name stands in for the mailbox part.
            var email = f.Internet.Email(given, family).ToLowerInvariant();
            if (!IsPlainAddress(email)) email = ascii.Internet.Email(ascii.Name.FirstName(), ascii.Name.LastName()).ToLowerInvariant();
            if (!IsPlainAddress(email)) continue;
            if (!emails.Add(email)) continue;
            people.Add(new Person(given, family, email,
                f.Random.Bool(0.7f) ? f.Phone.PhoneNumber() : null,
                f.Random.Bool(0.5f) ? f.Phone.PhoneNumber() : null,
                f.Random.Bool(0.85f) ? f.Company.CompanyName() : null,
                f.Random.Bool(0.75f) ? f.Name.JobTitle() : null));
        }
        return people;
    }

    /// <summary>ASCII, a letter before the @, no dot at either end of the mailbox part or two in a row (the CRM refuses those).</summary>
    private static bool IsPlainAddress(string email)
    {
        var at = email.IndexOf('@');
        if (at <= 0 || !email.All(char.IsAscii)) return false;
        var local = email[..at];
        return local.Any(char.IsAsciiLetter) && !local.StartsWith('.') && !local.EndsWith('.') && !local.Contains("..");
    }
}
