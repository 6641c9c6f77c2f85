using Newtonsoft.Json;

namespace ContactSync.Providers.Google.Api;

// People API v1 resources (discovery document names), only the parts the adapter reads or writes.
// Google.Apis serialises with Newtonsoft and leaves nulls out, so an unset property is not sent.

public sealed record Person
{
    [JsonProperty("resourceName")] public string? ResourceName { get; init; }
    [JsonProperty("etag")] public string? ETag { get; init; }
    [JsonProperty("metadata")] public PersonMetadata? Metadata { get; init; }
    [JsonProperty("names")] public IList<Name>? Names { get; init; }
    [JsonProperty("emailAddresses")] public IList<EmailAddressDto>? EmailAddresses { get; init; }
    [JsonProperty("phoneNumbers")] public IList<PhoneNumberDto>? PhoneNumbers { get; init; }
    [JsonProperty("genders")] public IList<Gender>? Genders { get; init; }
    [JsonProperty("birthdays")] public IList<BirthdayDto>? Birthdays { get; init; }
    [JsonProperty("biographies")] public IList<Biography>? Biographies { get; init; }
    [JsonProperty("organizations")] public IList<Organization>? Organizations { get; init; }
    [JsonProperty("addresses")] public IList<Address>? Addresses { get; init; }
    [JsonProperty("imClients")] public IList<ImClient>? ImClients { get; init; }
    [JsonProperty("urls")] public IList<Url>? Urls { get; init; }
    [JsonProperty("photos")] public IList<Photo>? Photos { get; init; }
    [JsonProperty("memberships")] public IList<Membership>? Memberships { get; init; }
    [JsonProperty("clientData")] public IList<ClientData>? ClientData { get; init; }
}

public sealed record PersonMetadata
{
    [JsonProperty("sources")] public IList<Source>? Sources { get; init; }
    [JsonProperty("deleted")] public bool? Deleted { get; init; }
    [JsonProperty("objectType")] public string? ObjectType { get; init; }
}

public sealed record Source
{
    [JsonProperty("type")] public string? Type { get; init; }
    [JsonProperty("id")] public string? Id { get; init; }
    [JsonProperty("etag")] public string? ETag { get; init; }
    [JsonProperty("updateTime")] public string? UpdateTime { get; init; }
}

public sealed record Name
{
    [JsonProperty("givenName")] public string? GivenName { get; init; }
    [JsonProperty("middleName")] public string? MiddleName { get; init; }
    [JsonProperty("familyName")] public string? FamilyName { get; init; }
    [JsonProperty("honorificPrefix")] public string? HonorificPrefix { get; init; }
    [JsonProperty("honorificSuffix")] public string? HonorificSuffix { get; init; }
    [JsonProperty("unstructuredName")] public string? UnstructuredName { get; init; }
    [JsonProperty("displayName")] public string? DisplayName { get; init; }
}

public sealed record EmailAddressDto
{
    [JsonProperty("value")] public string? Value { get; init; }
    [JsonProperty("type")] public string? Type { get; init; }
}

public sealed record PhoneNumberDto
{
    [JsonProperty("value")] public string? Value { get; init; }
    [JsonProperty("type")] public string? Type { get; init; }
    [JsonProperty("canonicalForm")] public string? CanonicalForm { get; init; }
}

public sealed record Gender
{
    [JsonProperty("value")] public string? Value { get; init; }
}

public sealed record BirthdayDto
{
    [JsonProperty("date")] public Date? Date { get; init; }
}

public sealed record Date
{
    [JsonProperty("year")] public int? Year { get; init; }
    [JsonProperty("month")] public int? Month { get; init; }
    [JsonProperty("day")] public int? Day { get; init; }
}

public sealed record Biography
{
    [JsonProperty("value")] public string? Value { get; init; }
    [JsonProperty("contentType")] public string? ContentType { get; init; }
}

public sealed record Organization
{
    [JsonProperty("name")] public string? Name { get; init; }
    [JsonProperty("title")] public string? Title { get; init; }
    [JsonProperty("department")] public string? Department { get; init; }
    [JsonProperty("type")] public string? Type { get; init; }
}

public sealed record Address
{
    [JsonProperty("type")] public string? Type { get; init; }
    [JsonProperty("streetAddress")] public string? StreetAddress { get; init; }
    [JsonProperty("extendedAddress")] public string? ExtendedAddress { get; init; }
    [JsonProperty("poBox")] public string? PoBox { get; init; }
    [JsonProperty("city")] public string? City { get; init; }
    [JsonProperty("region")] public string? Region { get; init; }
    [JsonProperty("postalCode")] public string? PostalCode { get; init; }
    [JsonProperty("country")] public string? Country { get; init; }
    [JsonProperty("countryCode")] public string? CountryCode { get; init; }
}

public sealed record ImClient
{
    [JsonProperty("username")] public string? Username { get; init; }
    [JsonProperty("protocol")] public string? Protocol { get; init; }
}

public sealed record Url
{
    [JsonProperty("value")] public string? Value { get; init; }
    [JsonProperty("type")] public string? Type { get; init; }
}

public sealed record Photo
{
    [JsonProperty("url")] public string? Url { get; init; }
    [JsonProperty("default")] public bool? Default { get; init; }
}

public sealed record Membership
{
    [JsonProperty("contactGroupMembership")] public ContactGroupMembership? ContactGroupMembership { get; init; }
}

public sealed record ContactGroupMembership
{
    [JsonProperty("contactGroupResourceName")] public string? ContactGroupResourceName { get; init; }
}

public sealed record ClientData
{
    [JsonProperty("key")] public string? Key { get; init; }
    [JsonProperty("value")] public string? Value { get; init; }
}
