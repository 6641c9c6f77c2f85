namespace ContactSync.Domain.Validation;

/// <summary>
/// Every length and count limit, in one place. Lengths count Unicode characters (scalar values, as PostgreSQL's
/// <c>char_length</c> does) after trimming and NFC normalisation, so an emoji counts once whatever its UTF-16 length.
/// </summary>
public static class Limits
{
    public const int NamePart = 200;          // each of given, middle, family, prefix, suffix, display
    public const int EmailAddress = 254;      // RFC 5321 path limit
    public const int EmailLocalPart = 64;
    public const int PhoneNumber = 64;        // as typed, with spaces and extension
    public const int PhoneDigitsMin = 3;      // short numbers such as 112
    public const int PhoneDigitsMax = 20;     // E.164 allows 15, plus trunk prefixes and room for national formats
    public const int LabelType = 50;          // the "type" of an e-mail, phone, address or website
    public const int Gender = 50;
    public const int Notes = 20_000;
    public const int JobTitle = 200;
    public const int Company = 200;
    public const int Department = 200;
    public const int Street = 500;
    public const int AddressPart = 200;       // extended, PO box, city, region, postal code, country
    public const int ImProtocol = 50;
    public const int ImHandle = 254;
    public const int Url = 2048;              // website and photo URLs
    public const int Tag = 50;

    public const int Emails = 50;
    public const int Phones = 50;
    public const int Addresses = 50;
    public const int Ims = 50;
    public const int Websites = 50;
    public const int Tags = 100;
    public const int Followers = 100;

    public const int EntityName = 200;        // tenant, role, user and list names
    public const int ListFilterText = 200;    // a list filter's company and free-text query
    public const int ListFilterValues = 100;  // tags or owner ids in one list filter
    public const int Permissions = 10;
}
