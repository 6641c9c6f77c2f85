namespace ContactSync.Domain.Contacts;

/// <summary>
/// The synchronisable content of a contact: every field of the product model that a person types, without
/// ownership, visibility or lifecycle. The CRM aggregate holds one; provider adapters map to and from it.
/// Collections are never null (empty instead), strings may be null (not set).
/// </summary>
public sealed record ContactFields
{
    public PersonName Name { get; init; } = PersonName.Empty;
    public IReadOnlyList<EmailAddress> Emails { get; init; } = [];
    public IReadOnlyList<PhoneNumber> Phones { get; init; } = [];
    public string? Gender { get; init; }
    public Birthday? Birthday { get; init; }
    public string? Notes { get; init; }
    public string? JobTitle { get; init; }
    public string? Company { get; init; }
    public string? Department { get; init; }
    public IReadOnlyList<PostalAddress> Addresses { get; init; } = [];
    public IReadOnlyList<InstantMessenger> Ims { get; init; } = [];
    public IReadOnlyList<Website> Websites { get; init; } = [];
    public string? PhotoUrl { get; init; }

    public static readonly ContactFields Empty = new();

    // Records compare lists by reference; contacts are compared by value everywhere (merge, no-op detection).
    public bool Equals(ContactFields? other) =>
        other is not null &&
        Name == other.Name &&
        Emails.SequenceEqual(other.Emails) &&
        Phones.SequenceEqual(other.Phones) &&
        Gender == other.Gender &&
        Birthday == other.Birthday &&
        Notes == other.Notes &&
        JobTitle == other.JobTitle &&
        Company == other.Company &&
        Department == other.Department &&
        Addresses.SequenceEqual(other.Addresses) &&
        Ims.SequenceEqual(other.Ims) &&
        Websites.SequenceEqual(other.Websites) &&
        PhotoUrl == other.PhotoUrl;

    public override int GetHashCode() => HashCode.Combine(Name, Emails.Count, Phones.Count, Gender, Birthday, Notes, Company);
}

public sealed record PersonName(
    string? Given = null, string? Middle = null, string? Family = null,
    string? Prefix = null, string? Suffix = null, string? Display = null)
{
    public static readonly PersonName Empty = new();
}

/// <summary>An e-mail address; <paramref name="Type"/> is free text such as home, work or other.</summary>
public sealed record EmailAddress(string Value, string? Type = null);

/// <summary>
/// A phone number exactly as typed (<paramref name="Value"/>) and, beside it, a normalised form used only for
/// matching. The normalised form is never written back over the typed text.
/// </summary>
public sealed record PhoneNumber(string Value, string? Type = null, string? Normalized = null);

/// <summary>A birthday; <paramref name="Year"/> is null for a birthday without a year.</summary>
public sealed record Birthday(int? Year, int Month, int Day);

public sealed record PostalAddress(
    string? Type = null, string? Street = null, string? Extended = null, string? PoBox = null,
    string? City = null, string? Region = null, string? PostalCode = null, string? Country = null,
    string? CountryCode = null);

public sealed record InstantMessenger(string Protocol, string Handle);

public sealed record Website(string Url, string? Type = null);
