using ContactSync.Domain.Contacts;

namespace ContactSync.Providers.Microsoft;

/// <summary>How typed CRM phones fill Outlook's fixed phone properties: one mobile, two work, two home.
/// Numbers of another or no type take a free work slot; whatever does not fit stays in the CRM only.</summary>
internal static class Phones
{
    public const string Mobile = "mobile", Work = "work", Home = "home";

    public sealed record Slots(string? Mobile, List<string> Work, List<string> Home);

    public static Slots Assign(IReadOnlyList<PhoneNumber> phones)
    {
        string? mobile = null;
        List<string> work = [], home = [], other = [];
        foreach (var p in phones)
        {
            if (GraphContactMapping.N(p.Value) is not { } value) continue;
            switch (p.Type?.Trim().ToLowerInvariant())
            {
                case "mobile" or "cell" or "cellphone" or "mobilephone": mobile ??= value; break;
                case "work" or "business" or "office": if (work.Count < GraphContactMapping.MaxWorkPhones) work.Add(value); break;
                case "home": if (home.Count < GraphContactMapping.MaxHomePhones) home.Add(value); break;
                default: other.Add(value); break;
            }
        }
        foreach (var value in other)
            if (work.Count < GraphContactMapping.MaxWorkPhones) work.Add(value);
        return new Slots(mobile, work, home);
    }
}

/// <summary>Outlook holds one home, one business and one other address; untyped addresses go to "other".</summary>
internal static class Addresses
{
    public const string Home = "home", Work = "work", OtherType = "other";

    public sealed record Slots(PostalAddress? Home, PostalAddress? Business, PostalAddress? Other);

    public static Slots Assign(IReadOnlyList<PostalAddress> addresses)
    {
        PostalAddress? home = null, business = null, other = null;
        foreach (var a in addresses)
        {
            var mapped = new PostalAddress(null, GraphContactMapping.N(a.Street), City: GraphContactMapping.N(a.City),
                Region: GraphContactMapping.N(a.Region), PostalCode: GraphContactMapping.N(a.PostalCode), Country: GraphContactMapping.N(a.Country));
            if (!HasContent(mapped)) continue;
            switch (a.Type?.Trim().ToLowerInvariant())
            {
                case "home": home ??= mapped; break;
                case "work" or "business": business ??= mapped; break;
                default: other ??= mapped; break;
            }
        }
        return new Slots(home, business, other);
    }

    public static bool HasContent(PostalAddress a) =>
        a.Street is not null || a.City is not null || a.Region is not null || a.PostalCode is not null || a.Country is not null;
}

/// <summary>Outlook's imAddresses are plain strings; a messenger is written as <c>protocol:handle</c>
/// (Graph's own samples use <c>sip:…</c>) and read back by splitting at the first colon.</summary>
internal static class Im
{
    public static string Format(InstantMessenger im) =>
        string.IsNullOrEmpty(im.Protocol) ? im.Handle : $"{im.Protocol}:{im.Handle}";

    public static InstantMessenger Parse(string value)
    {
        var colon = value.IndexOf(':');
        return colon > 0 ? new InstantMessenger(value[..colon], value[(colon + 1)..]) : new InstantMessenger("", value);
    }
}
