using ContactSync.Domain.Contacts;

namespace ContactSync.Providers.Google;

/// <summary>
/// What Google Contacts holds of a CRM contact (sync rule 6). Google keeps every field of the model with its
/// text as typed; what does not survive a round trip is: empty strings (Google drops them, so they read back as
/// not set), items without their main value (an e-mail without an address…), the phone's normalised form
/// (the CRM recomputes it; Google's canonicalForm is output-only), a birthday without month or day and a year
/// of 0 (Google's "not set"), and the photo, which only ever flows from Google to the CRM (rule 9).
/// </summary>
public static class GoogleCapabilities
{
    public static readonly ProviderCapabilities Capabilities = new(
        MaxBatchCreate: 200, MaxBatchUpdate: 200, MaxBatchDelete: 500, MaxContacts: 25_000, RetainableProjection: Retainable);

    public static ContactFields Retainable(ContactFields f) => new()
    {
        Name = new PersonName(T(f.Name.Given), T(f.Name.Middle), T(f.Name.Family), T(f.Name.Prefix), T(f.Name.Suffix), T(f.Name.Display)),
        Emails = f.Emails.Where(e => Has(e.Value)).Select(e => new EmailAddress(e.Value, T(e.Type))).ToList(),
        Phones = f.Phones.Where(p => Has(p.Value)).Select(p => new PhoneNumber(p.Value, T(p.Type))).ToList(),
        Gender = T(f.Gender),
        Birthday = f.Birthday is { Month: > 0, Day: > 0 } b ? new Birthday(b.Year is > 0 ? b.Year : null, b.Month, b.Day) : null,
        Notes = T(f.Notes),
        JobTitle = T(f.JobTitle),
        Company = T(f.Company),
        Department = T(f.Department),
        Addresses = f.Addresses
            .Select(a => new PostalAddress(T(a.Type), T(a.Street), T(a.Extended), T(a.PoBox), T(a.City), T(a.Region), T(a.PostalCode), T(a.Country), T(a.CountryCode)))
            .Where(a => a with { Type = null } != new PostalAddress())
            .ToList(),
        Ims = f.Ims.Where(i => Has(i.Handle)).Select(i => new InstantMessenger(i.Protocol ?? "", i.Handle)).ToList(),
        Websites = f.Websites.Where(w => Has(w.Url)).Select(w => new Website(w.Url, T(w.Type))).ToList(),
        PhotoUrl = null,
    };

    private static bool Has(string? s) => !string.IsNullOrEmpty(s);

    private static string? T(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
