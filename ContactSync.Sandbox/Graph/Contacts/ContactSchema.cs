using System.Globalization;
using System.Text.Json;
using ContactSync.Sandbox.Graph.Http;
using ContactSync.Sandbox.Graph.Store;

namespace ContactSync.Sandbox.Graph.Contacts;

/// <summary>The v1.0 contact resource: which properties exist, their shapes, and Exchange's limits.</summary>
public static class ContactSchema
{
    public enum Kind { String, StringList, EmailList, Address, DateTime }

    /// <summary>Writable properties in the order Graph returns them.</summary>
    public static readonly (string Name, Kind Kind)[] Properties =
    [
        ("categories", Kind.StringList), ("birthday", Kind.DateTime), ("fileAs", Kind.String),
        ("displayName", Kind.String), ("givenName", Kind.String), ("initials", Kind.String),
        ("middleName", Kind.String), ("nickName", Kind.String), ("surname", Kind.String), ("title", Kind.String),
        ("yomiGivenName", Kind.String), ("yomiSurname", Kind.String), ("yomiCompanyName", Kind.String),
        ("generation", Kind.String), ("imAddresses", Kind.StringList), ("jobTitle", Kind.String),
        ("companyName", Kind.String), ("department", Kind.String), ("officeLocation", Kind.String),
        ("profession", Kind.String), ("businessHomePage", Kind.String), ("assistantName", Kind.String),
        ("manager", Kind.String), ("homePhones", Kind.StringList), ("mobilePhone", Kind.String),
        ("businessPhones", Kind.StringList), ("spouseName", Kind.String), ("personalNotes", Kind.String),
        ("children", Kind.StringList), ("emailAddresses", Kind.EmailList), ("homeAddress", Kind.Address),
        ("businessAddress", Kind.Address), ("otherAddress", Kind.Address),
    ];

    private static readonly Dictionary<string, Kind> KindByName = Properties.ToDictionary(p => p.Name, p => p.Kind);

    private static readonly HashSet<string> ReadOnly =
        ["id", "changeKey", "parentFolderId", "createdDateTime", "lastModifiedDateTime", "@odata.type", "@odata.etag", "@odata.context"];

    private static readonly HashSet<string> AddressMembers = ["street", "city", "state", "postalCode", "countryOrRegion", "@odata.type"];

    // Exchange rejects more entries than these (emailAddresses 3 and businessPhones 2 are observed; homePhones 2
    // and imAddresses 3 are unconfirmed and enforced here as the safe, stricter choice).
    private static readonly Dictionary<string, (string Display, int Max)> Caps = new()
    {
        ["emailAddresses"] = ("EmailAddresses", 3), ["businessPhones"] = ("BusinessPhones", 2),
        ["homePhones"] = ("HomePhones", 2), ["imAddresses"] = ("ImAddresses", 3),
    };

    public static bool IsProperty(string name) => KindByName.ContainsKey(name);

    public sealed record Parsed(Dictionary<string, JsonElement> Props, List<ExtendedProperty> Extended);

    /// <summary>Validates a POST or PATCH body; returns the properties to store or a 400 answer.</summary>
    public static (Parsed? Value, GraphResponse? Error) Parse(JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } obj)
            return (null, GraphResponse.BadRequest("Empty Payload. JSON content expected.", "BadRequest"));
        var props = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var extended = new List<ExtendedProperty>();
        foreach (var p in obj.EnumerateObject())
        {
            if (ReadOnly.Contains(p.Name)) continue;
            if (p.Name == "singleValueExtendedProperties")
            {
                if (ParseExtended(p.Value, extended) is { } error) return (null, error);
                continue;
            }
            if (!KindByName.TryGetValue(p.Name, out var kind))
                return (null, GraphResponse.BadRequest(
                    $"The property '{p.Name}' does not exist on type 'microsoft.graph.contact'. Make sure to only use property names that are defined by the type or mark the type as open type.",
                    "RequestBodyRead"));
            if (!Valid(kind, p.Value, out var normalized))
                return (null, GraphResponse.BadRequest($"Cannot read the value of property '{p.Name}'.", "RequestBodyRead"));
            if (Caps.TryGetValue(p.Name, out var cap) && normalized.ValueKind == JsonValueKind.Array &&
                normalized.GetArrayLength() > cap.Max)
                return (null, GraphResponse.BadRequest(
                    $"The multi value property {cap.Display} has {normalized.GetArrayLength()} entries, that exceeds the max allowed value of {cap.Max}",
                    "ErrorInvalidArgument"));
            props[p.Name] = normalized.Clone();
        }
        return (new Parsed(props, extended), null);
    }

    /// <summary>Outlook regenerates displayName from the name parts when they change and displayName is not
    /// sent with them (providers.md B3), so clients must always send it.</summary>
    public static void RegenerateDisplayName(Dictionary<string, JsonElement> merged, IReadOnlyDictionary<string, JsonElement> sent)
    {
        if (sent.ContainsKey("displayName")) return;
        if (!sent.ContainsKey("givenName") && !sent.ContainsKey("surname") && !sent.ContainsKey("middleName")) return;
        var parts = new[] { "givenName", "middleName", "surname" }
            .Select(n => merged.TryGetValue(n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
            .Where(s => !string.IsNullOrWhiteSpace(s));
        var name = string.Join(' ', parts);
        merged["displayName"] = JsonSerializer.SerializeToElement(name.Length == 0 ? null : name);
    }

    private static GraphResponse? ParseExtended(JsonElement value, List<ExtendedProperty> into)
    {
        if (value.ValueKind != JsonValueKind.Array)
            return GraphResponse.BadRequest("singleValueExtendedProperties must be a collection.", "RequestBodyRead");
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object ||
                !item.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String ||
                !item.TryGetProperty("value", out var v) || v.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                return GraphResponse.BadRequest("An extended property needs a string 'id' and 'value'.", "RequestBodyRead");
            var pid = id.GetString()!.Trim();
            if (!pid.StartsWith("String ", StringComparison.OrdinalIgnoreCase))
                return GraphResponse.BadRequest("Only String single-value extended properties are supported by this emulator.", "ErrorInvalidProperty");
            into.Add(new ExtendedProperty(pid, v.GetString() ?? ""));
        }
        return null;
    }

    private static bool Valid(Kind kind, JsonElement value, out JsonElement normalized)
    {
        normalized = value;
        if (value.ValueKind == JsonValueKind.Null) return true;
        switch (kind)
        {
            case Kind.String:
                return value.ValueKind == JsonValueKind.String;
            case Kind.StringList:
                return value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String);
            case Kind.EmailList:
                return value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e =>
                    e.ValueKind == JsonValueKind.Object && e.EnumerateObject().All(m =>
                        m.Name == "@odata.type" || ((m.Name is "name" or "address") && m.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null)));
            case Kind.Address:
                return value.ValueKind == JsonValueKind.Object && value.EnumerateObject().All(m =>
                    AddressMembers.Contains(m.Name) && m.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null);
            case Kind.DateTime:
                if (value.ValueKind != JsonValueKind.String ||
                    !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
                    return false;
                normalized = JsonSerializer.SerializeToElement(when.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss'Z'", CultureInfo.InvariantCulture));
                return true;
            default:
                return false;
        }
    }
}
