using ContactSync.Domain.Contacts;
using Microsoft.Graph.Models;
using Contact = Microsoft.Graph.Models.Contact;
using DomainEmail = ContactSync.Domain.Contacts.EmailAddress;
using GraphEmail = Microsoft.Graph.Models.EmailAddress;
using DomainWebsite = ContactSync.Domain.Contacts.Website;

namespace ContactSync.Providers.Microsoft;

/// <summary>
/// CRM fields ⇄ Graph v1.0 contact (providers.md D and B3), and the exact part of a CRM contact that survives
/// the trip (<see cref="Retainable"/>). What Outlook cannot hold: gender, e-mail and website types, more than
/// 3 e-mails, phones beyond one mobile, 2 work and 2 home numbers, a birthday without a year, more than one
/// address of each kind and the extended/PO box/country code parts of addresses, more than 3 IM addresses,
/// more than one website, and photos (not synced through this adapter).
/// </summary>
public static class GraphContactMapping
{
    public const int MaxEmails = 3, MaxWorkPhones = 2, MaxHomePhones = 2, MaxIms = 3;

    /// <summary>The Graph properties this adapter writes and reads (also the delta <c>$select</c>).</summary>
    public static readonly string[] MappedProperties =
    [
        "displayName", "givenName", "middleName", "surname", "title", "generation", "emailAddresses", "mobilePhone",
        "businessPhones", "homePhones", "birthday", "personalNotes", "jobTitle", "companyName", "department",
        "homeAddress", "businessAddress", "otherAddress", "imAddresses", "businessHomePage",
    ];

    /// <summary>A contact carrying every mapped property; unset ones are sent as explicit nulls (through
    /// AdditionalData, since the serializer skips null properties) so a PATCH replaces them.</summary>
    public static Contact ToGraph(ContactFields f)
    {
        var c = new Contact { AdditionalData = new Dictionary<string, object>() };
        void Str(string name, string? value, Action<string> set)
        {
            if (value is null) c.AdditionalData[name] = null!;
            else set(value);
        }
        var n = f.Name;
        Str("displayName", N(n.Display) ?? Compose(n), v => c.DisplayName = v);
        Str("givenName", N(n.Given), v => c.GivenName = v);
        Str("middleName", N(n.Middle), v => c.MiddleName = v);
        Str("surname", N(n.Family), v => c.Surname = v);
        Str("title", N(n.Prefix), v => c.Title = v);
        Str("generation", N(n.Suffix), v => c.Generation = v);
        c.EmailAddresses = Emails(f).Select(e => new GraphEmail { Address = e.Value, Name = e.Value }).ToList();
        var phones = Phones.Assign(f.Phones);
        Str("mobilePhone", phones.Mobile, v => c.MobilePhone = v);
        c.BusinessPhones = phones.Work;
        c.HomePhones = phones.Home;
        if (BirthdayDate(f.Birthday) is { } birthday) c.Birthday = birthday;
        else c.AdditionalData["birthday"] = null!;
        Str("personalNotes", N(f.Notes), v => c.PersonalNotes = v);
        Str("jobTitle", N(f.JobTitle), v => c.JobTitle = v);
        Str("companyName", N(f.Company), v => c.CompanyName = v);
        Str("department", N(f.Department), v => c.Department = v);
        var addresses = Addresses.Assign(f.Addresses);
        void Address(string name, PostalAddress? a, Action<PhysicalAddress> set)
        {
            if (a is null) c.AdditionalData[name] = null!;
            else set(new PhysicalAddress { Street = a.Street, City = a.City, State = a.Region, PostalCode = a.PostalCode, CountryOrRegion = a.Country });
        }
        Address("homeAddress", addresses.Home, v => c.HomeAddress = v);
        Address("businessAddress", addresses.Business, v => c.BusinessAddress = v);
        Address("otherAddress", addresses.Other, v => c.OtherAddress = v);
        c.ImAddresses = Ims(f).Select(Im.Format).ToList();
        Str("businessHomePage", Website(f), v => c.BusinessHomePage = v);
        return c;
    }

    public static ContactFields FromGraph(Contact c)
    {
        var phones = new List<PhoneNumber>();
        if (N(c.MobilePhone) is { } mobile) phones.Add(new PhoneNumber(mobile, Phones.Mobile));
        phones.AddRange((c.BusinessPhones ?? []).Where(p => N(p) is not null).Select(p => new PhoneNumber(p!, Phones.Work)));
        phones.AddRange((c.HomePhones ?? []).Where(p => N(p) is not null).Select(p => new PhoneNumber(p!, Phones.Home)));
        var addresses = new List<PostalAddress>();
        void Address(PhysicalAddress? a, string type)
        {
            if (a is null) return;
            var mapped = new PostalAddress(type, N(a.Street), City: N(a.City), Region: N(a.State), PostalCode: N(a.PostalCode), Country: N(a.CountryOrRegion));
            if (Addresses.HasContent(mapped)) addresses.Add(mapped);
        }
        Address(c.HomeAddress, Addresses.Home);
        Address(c.BusinessAddress, Addresses.Work);
        Address(c.OtherAddress, Addresses.OtherType);
        return new ContactFields
        {
            Name = new PersonName(N(c.GivenName), N(c.MiddleName), N(c.Surname), N(c.Title), N(c.Generation), N(c.DisplayName)),
            Emails = (c.EmailAddresses ?? []).Where(e => N(e.Address) is not null).Select(e => new DomainEmail(e.Address!)).ToList(),
            Phones = phones,
            Birthday = c.Birthday is { } b ? FromDate(b) : null,
            Notes = N(c.PersonalNotes),
            JobTitle = N(c.JobTitle),
            Company = N(c.CompanyName),
            Department = N(c.Department),
            Addresses = addresses,
            Ims = (c.ImAddresses ?? []).Where(s => N(s) is not null).Select(s => Im.Parse(s!)).ToList(),
            Websites = N(c.BusinessHomePage) is { } url ? [new DomainWebsite(url)] : [],
        };
    }

    /// <summary>Exactly what <see cref="FromGraph"/> returns after <see cref="ToGraph"/> went through Graph.</summary>
    public static ContactFields Retainable(ContactFields f)
    {
        var n = f.Name;
        var phones = Phones.Assign(f.Phones);
        var addresses = Addresses.Assign(f.Addresses);
        return new ContactFields
        {
            Name = new PersonName(N(n.Given), N(n.Middle), N(n.Family), N(n.Prefix), N(n.Suffix), N(n.Display) ?? Compose(n)),
            Emails = Emails(f).Select(e => new DomainEmail(e.Value)).ToList(),
            Phones = [.. phones.Mobile is null ? [] : new[] { new PhoneNumber(phones.Mobile, Phones.Mobile) },
                      .. phones.Work.Select(p => new PhoneNumber(p, Phones.Work)), .. phones.Home.Select(p => new PhoneNumber(p, Phones.Home))],
            Birthday = BirthdayDate(f.Birthday) is not null ? f.Birthday : null,
            Notes = N(f.Notes),
            JobTitle = N(f.JobTitle),
            Company = N(f.Company),
            Department = N(f.Department),
            Addresses = new[] { (addresses.Home, Addresses.Home), (addresses.Business, Addresses.Work), (addresses.Other, Addresses.OtherType) }
                .Where(a => a.Item1 is not null)
                .Select(a => new PostalAddress(a.Item2, a.Item1!.Street, City: a.Item1.City, Region: a.Item1.Region, PostalCode: a.Item1.PostalCode, Country: a.Item1.Country))
                .ToList(),
            Ims = Ims(f).Select(i => Im.Parse(Im.Format(i))).ToList(),
            Websites = Website(f) is { } url ? [new DomainWebsite(url)] : [],
        };
    }

    private static IEnumerable<DomainEmail> Emails(ContactFields f) => f.Emails.Where(e => N(e.Value) is not null).Take(MaxEmails);

    private static IEnumerable<InstantMessenger> Ims(ContactFields f) => f.Ims.Where(i => N(i.Handle) is not null).Take(MaxIms);

    private static string? Website(ContactFields f) => f.Websites.Select(w => N(w.Url)).FirstOrDefault(u => u is not null);

    /// <summary>Outlook needs a year; a year-less birthday stays in the CRM only.</summary>
    private static DateTimeOffset? BirthdayDate(Birthday? b)
    {
        if (b is not { Year: { } year } || year is < 1 or > 9999 || b.Month is < 1 or > 12 || b.Day < 1 || b.Day > DateTime.DaysInMonth(year, b.Month))
            return null;
        return new DateTimeOffset(year, b.Month, b.Day, 0, 0, 0, TimeSpan.Zero);
    }

    // The time of day Exchange stores is unconfirmed (providers.md B3): take the nearest UTC date, so a local
    // midnight anywhere from UTC-11 to UTC+12 still gives the intended day.
    private static Birthday FromDate(DateTimeOffset b)
    {
        var utc = b.UtcDateTime;
        var date = utc.Hour >= 12 && utc.Date < DateTime.MaxValue.Date ? utc.Date.AddDays(1) : utc.Date;
        return new Birthday(date.Year, date.Month, date.Day);
    }

    private static string? Compose(PersonName n)
    {
        var name = string.Join(' ', new[] { n.Given, n.Middle, n.Family }.Where(s => !string.IsNullOrWhiteSpace(s)));
        return name.Length == 0 ? null : name;
    }

    internal static string? N(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
