using System.Text.Json;
using ContactSync.Sandbox.Google.Store;

namespace ContactSync.Sandbox.Google.People;

/// <summary>A Person from a request body, validated and normalised for the store.</summary>
public sealed record PersonBody(IReadOnlyDictionary<string, byte[]> Fields, IReadOnlyList<string>? Groups, string? Etag)
{
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal)
    {
        "resourceName", "metadata", "photos", "coverPhotos", "ageRanges", "skills", "etag",
    };

    /// <summary>Parses a Person. With <paramref name="only"/>, fields outside it are ignored (updates touch
    /// only masked fields). Unknown names are a 400, as Google's strict JSON parsing makes them.</summary>
    public static GoogleError? Parse(JsonElement person, string sourceId, PersonFields? only, string at, out PersonBody body)
    {
        body = null!;
        if (person.ValueKind != JsonValueKind.Object) return GoogleError.Invalid($"Invalid value at '{at}', expected an object.");
        var fields = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        List<string>? groups = null;
        string? etag = GoogleHttp.String(person, "etag");
        foreach (var property in person.EnumerateObject())
        {
            var name = property.Name;
            if (name == "metadata" && etag is null) etag = SourceEtag(property.Value);
            if (Ignored.Contains(name)) continue;
            if (!PersonFields.Writable.Contains(name))
                return GoogleError.Invalid($"Invalid JSON payload received. Unknown name \"{name}\" at '{at}': Cannot find field.");
            if (only is not null && !only.Contains(name)) continue;
            if (name == "memberships")
            {
                if (ParseMemberships(property.Value, at, out groups) is { } membershipError) return membershipError;
                continue;
            }
            var normalised = PersonJson.Normalize(name, property.Value, sourceId, out var error);
            if (error is not null) return error;
            if (normalised is not null) fields[name] = normalised;
        }
        body = new PersonBody(fields, groups, etag);
        return null;
    }

    private static string? SourceEtag(JsonElement metadata) =>
        metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("sources", out var sources) &&
        sources.ValueKind == JsonValueKind.Array && sources.GetArrayLength() > 0
            ? GoogleHttp.String(sources[0], "etag")
            : null;

    private static GoogleError? ParseMemberships(JsonElement value, string at, out List<string> groups)
    {
        groups = [];
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Array) return GoogleError.Invalid($"Invalid value at '{at}.memberships', expected a list.");
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("contactGroupMembership", out var membership)) continue;
            var resourceName = GoogleHttp.String(membership, "contactGroupResourceName");
            if (resourceName is null || !resourceName.StartsWith("contactGroups/", StringComparison.Ordinal))
                return GoogleError.Invalid("contactGroupMembership.contactGroupResourceName must be set to contactGroups/{id}.");
            groups.Add(resourceName["contactGroups/".Length..]);
        }
        return null;
    }
}
