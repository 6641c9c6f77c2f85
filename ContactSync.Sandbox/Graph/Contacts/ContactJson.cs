using System.Text.Json;
using ContactSync.Sandbox.Graph.Store;

namespace ContactSync.Sandbox.Graph.Contacts;

/// <summary>Writes contacts as Graph does: every property present (null, [] or {} when unset).</summary>
public static class ContactJson
{
    public static void Write(Utf8JsonWriter w, ContactRecord c, ContactQuery query, string? context = null)
    {
        w.WriteStartObject();
        if (context is not null) w.WriteString("@odata.context", context);
        WriteBody(w, c, query);
        w.WriteEndObject();
    }

    /// <summary>The members of a contact object (no braces), so delta and lists can reuse them.</summary>
    public static void WriteBody(Utf8JsonWriter w, ContactRecord c, ContactQuery query)
    {
        var select = query.Select;
        w.WriteString("@odata.etag", c.ETag);
        w.WriteString("id", c.Id);
        if (Wants(select, "createdDateTime")) w.WriteString("createdDateTime", c.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"));
        if (Wants(select, "lastModifiedDateTime")) w.WriteString("lastModifiedDateTime", c.Modified.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"));
        if (Wants(select, "changeKey")) w.WriteString("changeKey", c.ChangeKey);
        if (Wants(select, "parentFolderId")) w.WriteString("parentFolderId", c.FolderId);
        foreach (var (name, kind) in ContactSchema.Properties)
        {
            if (!Wants(select, name)) continue;
            w.WritePropertyName(name);
            if (c.Props.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null) value.WriteTo(w);
            else WriteEmpty(w, kind);
        }
        if (query.ExpandExtended)
        {
            w.WriteStartArray("singleValueExtendedProperties");
            foreach (var p in c.Extended.Values)
            {
                if (query.ExpandId is not null && !string.Equals(query.ExpandId, p.Id, StringComparison.OrdinalIgnoreCase)) continue;
                w.WriteStartObject();
                w.WriteString("id", p.Id);
                w.WriteString("value", p.Value);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
    }

    public static IEnumerable<string> EmailAddresses(ContactRecord c)
    {
        if (!c.Props.TryGetValue("emailAddresses", out var list) || list.ValueKind != JsonValueKind.Array) yield break;
        foreach (var e in list.EnumerateArray())
            if (e.TryGetProperty("address", out var a) && a.ValueKind == JsonValueKind.String)
                yield return a.GetString()!;
    }

    private static bool Wants(IReadOnlySet<string>? select, string name) => select is null || select.Contains(name);

    private static void WriteEmpty(Utf8JsonWriter w, ContactSchema.Kind kind)
    {
        switch (kind)
        {
            case ContactSchema.Kind.StringList or ContactSchema.Kind.EmailList:
                w.WriteStartArray();
                w.WriteEndArray();
                break;
            case ContactSchema.Kind.Address:
                w.WriteStartObject();
                w.WriteEndObject();
                break;
            default:
                w.WriteNullValue();
                break;
        }
    }
}
