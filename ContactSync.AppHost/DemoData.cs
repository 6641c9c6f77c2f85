namespace ContactSync.AppHost;

/// <summary>The demo tenant's contacts: realistic names in several scripts, typed phone formats, tags.</summary>
internal static class DemoData
{
    public const string TenantName = "Demo Company";

    /// <summary>The CRM demo contacts as plain records (the provider demo data shares some of their e-mails).</summary>
    internal sealed record Person(string Given, string Family, string Email, string Phone, string Company, string JobTitle, string[] Tags);

    public static readonly Person[] People =
    [
        Contact("Ada", "Lovelace", "ada.lovelace@example.com", "+44 20 7946 0958", "Analytical Engines Ltd", "Programmer", "customer", "vip"),
        Contact("Alan", "Turing", "alan@example.org", "020 7946 0011", "Bletchley Park", "Cryptanalyst", "customer"),
        Contact("Grace", "Hopper", "grace.hopper@example.com", "(303) 828-8765", "US Navy", "Rear Admiral", "partner"),
        Contact("Margaret", "Hamilton", "mh@example.com", "+1 617 555 0199", "MIT Instrumentation Lab", "Director", "customer"),
        Contact("Katherine", "Johnson", "kj@example.com", "+1 757 555 0134", "NASA Langley", "Mathematician", "lead"),
        Contact("Linus", "Torvalds", "linus@example.fi", "+358 9 555 0101", "Linux Foundation", "Fellow", "partner"),
        Contact("Ингрид", "Петрова", "ingrid.petrova@example.ru", "+7 495 555-01-23", "ООО Ромашка", "Директор", "lead"),
        Contact("美咲", "佐藤", "misaki.sato@example.jp", "03-5555-0123", "株式会社サンプル", "営業部長", "customer"),
        Contact("محمد", "العلي", "m.alali@example.ae", "+971 4 555 0100", "شركة المثال", "مدير", "lead"),
        Contact("Zoë", "Çelik", "zoe.celik@example.de", "+49 30 5550 1234", "Müller & Söhne GmbH", "Einkauf", "customer", "vip"),
        Contact("José", "Núñez", "jose.nunez@example.es", "+34 91 555 01 23", "Soluciones Ibéricas", "CTO", "lead"),
        Contact("Priya", "Raman", "priya.raman@example.in", "+91 98765 43210", "Raman Textiles", "Owner", "customer"),
    ];

    public static readonly object[] Contacts = [.. People.Select(p => (object)new
    {
        name = new { given = p.Given, family = p.Family },
        emails = new[] { new { value = p.Email, type = "work" } },
        phones = new[] { new { value = p.Phone, type = "work" } },
        company = p.Company,
        jobTitle = p.JobTitle,
        tags = p.Tags,
        visibility = "company",
    })];

    private static Person Contact(string given, string family, string email, string phone, string company, string title, params string[] tags) =>
        new(given, family, email, phone, company, title, tags);
}
