using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ContactSync.Sandbox.Google.Store;

/// <summary>Normalises client-sent person fields the way the People API echoes them (field metadata,
/// output-only values computed, client copies of output-only values dropped) and renders stored persons.</summary>
public static class PersonJson
{
    private static readonly string[] OutputOnly =
        ["metadata", "displayName", "displayNameLastFirst", "canonicalForm", "formattedType", "formattedValue", "formattedProtocol"];

    /// <summary>Normalises one field's JSON array; null when the array is empty (the field is cleared).</summary>
    public static byte[]? Normalize(string field, JsonElement value, string sourceId, out GoogleError? error)
    {
        error = null;
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Array)
        {
            error = GoogleError.Invalid($"Invalid value at 'person.{field}', expected a list.");
            return null;
        }
        var count = value.GetArrayLength();
        if (count == 0) return null;
        if (count > 1 && PersonFields.Singletons.Contains(field))
        {
            error = GoogleError.Invalid($"Cannot have more than one person.{field} per source.");
            return null;
        }

        var array = new JsonArray();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                error = GoogleError.Invalid($"Invalid value at 'person.{field}[{index}]', expected an object.");
                return null;
            }
            var source = JsonNode.Parse(item.GetRawText())!.AsObject();
            var normalised = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["primary"] = index == 0,
                    ["source"] = new JsonObject { ["type"] = "CONTACT", ["id"] = sourceId },
                },
            };
            foreach (var (key, node) in source)
                if (Array.IndexOf(OutputOnly, key) < 0) normalised[key] = node?.DeepClone();
            AddComputed(field, normalised);
            array.Add(normalised);
            index++;
        }
        return JsonSerializer.SerializeToUtf8Bytes(array, GoogleHttp.SerializerOptions);
    }

    private static void AddComputed(string field, JsonObject item)
    {
        var type = (string?)item["type"];
        if (type is { Length: > 0 } && field is not ("genders" or "biographies" or "names"))
            item["formattedType"] = char.ToUpperInvariant(type[0]) + type[1..];
        switch (field)
        {
            case "names":
                string?[] parts = [(string?)item["honorificPrefix"], (string?)item["givenName"], (string?)item["middleName"],
                    (string?)item["familyName"], (string?)item["honorificSuffix"]];
                var display = string.Join(' ', parts.Where(p => !string.IsNullOrEmpty(p)));
                if (display.Length == 0) display = (string?)item["unstructuredName"] ?? "";
                item["displayName"] = display;
                var family = (string?)item["familyName"];
                var rest = string.Join(' ', new[] { (string?)item["givenName"], (string?)item["middleName"] }.Where(p => !string.IsNullOrEmpty(p)));
                item["displayNameLastFirst"] = string.IsNullOrEmpty(family) ? display : rest.Length == 0 ? family : $"{family}, {rest}";
                break;
            case "phoneNumbers" when (string?)item["value"] is { } phone && phone.TrimStart().StartsWith('+'):
                // Without the account's region Google cannot canonicalise national numbers; only E.164-like input is.
                item["canonicalForm"] = "+" + new string(phone.Where(char.IsAsciiDigit).ToArray());
                break;
            case "genders" when (string?)item["value"] is { Length: > 0 } gender:
                item["formattedValue"] = char.ToUpperInvariant(gender[0]) + gender[1..];
                break;
            case "biographies" when item["contentType"] is null:
                item["contentType"] = "TEXT_PLAIN";
                break;
            case "addresses":
                string?[] lines = [(string?)item["poBox"], (string?)item["streetAddress"], (string?)item["extendedAddress"],
                    string.Join(' ', new[] { (string?)item["postalCode"], (string?)item["city"] }.Where(p => !string.IsNullOrEmpty(p))),
                    (string?)item["region"], (string?)item["country"]];
                item["formattedValue"] = string.Join('\n', lines.Where(l => !string.IsNullOrEmpty(l)));
                break;
            case "imClients" when (string?)item["protocol"] is { Length: > 0 } protocol:
                item["formattedProtocol"] = char.ToUpperInvariant(protocol[0]) + protocol[1..];
                break;
        }
    }

    public static byte[] Render(StoredPerson person, PersonFields mask)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, GoogleHttp.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("resourceName", person.ResourceName);
            writer.WriteString("etag", person.Etag);
            if (person.Deleted || mask.Contains("metadata")) WriteMetadata(writer, person);
            if (!person.Deleted)
            {
                foreach (var field in mask.Names)
                {
                    if (person.Fields.TryGetValue(field, out var raw))
                    {
                        writer.WritePropertyName(field);
                        writer.WriteRawValue(raw, skipInputValidation: true);
                    }
                }
                if (mask.Contains("memberships")) WriteMemberships(writer, person);
                if (mask.Contains("photos")) WritePhoto(writer, person);
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteMetadata(Utf8JsonWriter writer, StoredPerson person)
    {
        writer.WriteStartObject("metadata");
        writer.WriteStartArray("sources");
        writer.WriteStartObject();
        writer.WriteString("type", "CONTACT");
        writer.WriteString("id", person.SourceId);
        writer.WriteString("etag", person.SourceEtag);
        writer.WriteString("updateTime", person.UpdateTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        writer.WriteEndObject();
        writer.WriteEndArray();
        if (person.Deleted) writer.WriteBoolean("deleted", true);
        writer.WriteString("objectType", "PERSON");
        writer.WriteEndObject();
    }

    private static void WriteMemberships(Utf8JsonWriter writer, StoredPerson person)
    {
        writer.WriteStartArray("memberships");
        foreach (var group in person.Groups)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("metadata");
            writer.WriteStartObject("source");
            writer.WriteString("type", "CONTACT");
            writer.WriteString("id", person.SourceId);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartObject("contactGroupMembership");
            writer.WriteString("contactGroupId", group);
            writer.WriteString("contactGroupResourceName", "contactGroups/" + group);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>Contacts without a photo still carry Google's generated letter avatar, marked <c>default</c>.</summary>
    private static void WritePhoto(Utf8JsonWriter writer, StoredPerson person)
    {
        writer.WriteStartArray("photos");
        writer.WriteStartObject();
        writer.WriteStartObject("metadata");
        writer.WriteBoolean("primary", true);
        writer.WriteStartObject("source");
        writer.WriteString("type", "CONTACT");
        writer.WriteString("id", person.SourceId);
        writer.WriteEndObject();
        writer.WriteEndObject();
        if (person.PhotoUrl is { } url) writer.WriteString("url", url);
        else
        {
            writer.WriteString("url", "https://lh3.googleusercontent.com/cm/" + person.SourceId + "=s100");
            writer.WriteBoolean("default", true);
        }
        writer.WriteEndObject();
        writer.WriteEndArray();
    }
}
