using ContactSync.Domain.Contacts;
using ContactSync.Providers.Google.Api;

namespace ContactSync.Providers.Google;

/// <summary>
/// CRM fields ⇄ People API Person. Values are written as typed (a phone keeps its text; Google's canonicalForm
/// is output-only and never read back into it). Empty strings are not sent: Google drops them.
/// </summary>
public static class PersonMapping
{
    /// <summary>The clientData key that carries the CRM id (sync rule 8).</summary>
    public const string CrmIdKey = "contactsync.crmId";

    /// <summary>The person fields the adapter owns; an update replaces exactly these.</summary>
    public const string MappedFields = "addresses,biographies,birthdays,emailAddresses,genders,imClients,names,organizations,phoneNumbers,urls";

    /// <summary>Everything the adapter reads.</summary>
    public const string ReadFields = MappedFields + ",clientData,memberships,metadata,photos";

    public static Person ToPerson(ContactFields f, string? etag = null, IList<ClientData>? clientData = null, IList<Membership>? memberships = null) => new()
    {
        ETag = etag,
        Names = ToName(f.Name) is { } name ? [name] : null,
        EmailAddresses = List(f.Emails.Where(e => Has(e.Value)).Select(e => new EmailAddressDto { Value = e.Value, Type = Text(e.Type) })),
        PhoneNumbers = List(f.Phones.Where(p => Has(p.Value)).Select(p => new PhoneNumberDto { Value = p.Value, Type = Text(p.Type) })),
        Genders = Has(f.Gender) ? [new Gender { Value = f.Gender }] : null,
        Birthdays = f.Birthday is { } b ? [new BirthdayDto { Date = new Date { Year = b.Year, Month = b.Month, Day = b.Day } }] : null,
        Biographies = Has(f.Notes) ? [new Biography { Value = f.Notes, ContentType = "TEXT_PLAIN" }] : null,
        Organizations = Has(f.Company) || Has(f.JobTitle) || Has(f.Department)
            ? [new Organization { Name = Text(f.Company), Title = Text(f.JobTitle), Department = Text(f.Department) }]
            : null,
        Addresses = List(f.Addresses.Select(ToAddress).OfType<Address>()),
        ImClients = List(f.Ims.Where(i => Has(i.Handle)).Select(i => new ImClient { Username = i.Handle, Protocol = Text(i.Protocol) })),
        Urls = List(f.Websites.Where(w => Has(w.Url)).Select(w => new Url { Value = w.Url, Type = Text(w.Type) })),
        ClientData = clientData,
        Memberships = memberships,
    };

    public static ContactFields ToFields(Person p)
    {
        var name = p.Names?.FirstOrDefault();
        var organization = p.Organizations?.FirstOrDefault();
        var birthday = p.Birthdays?.Select(b => b.Date).FirstOrDefault(d => d is { Month: > 0, Day: > 0 });
        return new ContactFields
        {
            Name = name is null ? PersonName.Empty : new PersonName(
                Text(name.GivenName), Text(name.MiddleName), Text(name.FamilyName),
                Text(name.HonorificPrefix), Text(name.HonorificSuffix), Text(name.UnstructuredName)),
            Emails = (p.EmailAddresses ?? []).Where(e => Has(e.Value)).Select(e => new EmailAddress(e.Value!, Text(e.Type))).ToList(),
            Phones = (p.PhoneNumbers ?? []).Where(n => Has(n.Value)).Select(n => new PhoneNumber(n.Value!, Text(n.Type))).ToList(),
            Gender = Text(p.Genders?.FirstOrDefault()?.Value),
            Birthday = birthday is null ? null : new Birthday(birthday.Year is > 0 ? birthday.Year : null, birthday.Month!.Value, birthday.Day!.Value),
            Notes = Text(p.Biographies?.FirstOrDefault()?.Value),
            Company = Text(organization?.Name),
            JobTitle = Text(organization?.Title),
            Department = Text(organization?.Department),
            Addresses = (p.Addresses ?? []).Select(a => new PostalAddress(Text(a.Type), Text(a.StreetAddress), Text(a.ExtendedAddress),
                Text(a.PoBox), Text(a.City), Text(a.Region), Text(a.PostalCode), Text(a.Country), Text(a.CountryCode))).ToList(),
            Ims = (p.ImClients ?? []).Where(i => Has(i.Username)).Select(i => new InstantMessenger(i.Protocol ?? "", i.Username!)).ToList(),
            Websites = (p.Urls ?? []).Where(u => Has(u.Value)).Select(u => new Website(u.Value!, Text(u.Type))).ToList(),
            // Google gives every contact a generated avatar marked default; only a real photo counts.
            PhotoUrl = p.Photos?.FirstOrDefault(ph => ph.Default != true && Has(ph.Url))?.Url,
        };
    }

    public static string? CrmId(Person p) => p.ClientData?.FirstOrDefault(c => c.Key == CrmIdKey)?.Value;

    /// <summary>The person's clientData with the CRM id set, keeping entries other applications wrote.</summary>
    public static List<ClientData> WithCrmId(IList<ClientData>? existing, string crmId) =>
        [.. (existing ?? []).Where(c => c.Key != CrmIdKey), new ClientData { Key = CrmIdKey, Value = crmId }];

    private static Name? ToName(PersonName n) =>
        Has(n.Given) || Has(n.Middle) || Has(n.Family) || Has(n.Prefix) || Has(n.Suffix) || Has(n.Display)
            ? new Name
            {
                GivenName = Text(n.Given), MiddleName = Text(n.Middle), FamilyName = Text(n.Family),
                HonorificPrefix = Text(n.Prefix), HonorificSuffix = Text(n.Suffix), UnstructuredName = Text(n.Display),
            }
            : null;

    private static Address? ToAddress(PostalAddress a) =>
        Has(a.Street) || Has(a.Extended) || Has(a.PoBox) || Has(a.City) || Has(a.Region) || Has(a.PostalCode) || Has(a.Country) || Has(a.CountryCode)
            ? new Address
            {
                Type = Text(a.Type), StreetAddress = Text(a.Street), ExtendedAddress = Text(a.Extended), PoBox = Text(a.PoBox),
                City = Text(a.City), Region = Text(a.Region), PostalCode = Text(a.PostalCode), Country = Text(a.Country),
                CountryCode = Text(a.CountryCode),
            }
            : null;

    private static List<T>? List<T>(IEnumerable<T> items) => items.ToList() is { Count: > 0 } list ? list : null;

    private static bool Has(string? s) => !string.IsNullOrEmpty(s);

    private static string? Text(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
