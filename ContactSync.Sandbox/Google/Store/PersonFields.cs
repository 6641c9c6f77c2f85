using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace ContactSync.Sandbox.Google.Store;

/// <summary>A parsed <c>personFields</c> / <c>updatePersonFields</c> / <c>readMask</c> value (a FieldMask).</summary>
public sealed class PersonFields
{
    /// <summary>Fields a client may write (updatePersonFields), from the discovery document.</summary>
    public static readonly FrozenSet<string> Writable = FrozenSet.Create(StringComparer.Ordinal,
        "addresses", "biographies", "birthdays", "calendarUrls", "clientData", "emailAddresses", "events",
        "externalIds", "genders", "imClients", "interests", "locales", "locations", "memberships", "miscKeywords",
        "names", "nicknames", "occupations", "organizations", "phoneNumbers", "relations", "sipAddresses", "urls",
        "userDefined");

    /// <summary>Fields a client may read (personFields).</summary>
    public static readonly FrozenSet<string> Readable = Writable
        .Concat(["ageRanges", "coverPhotos", "metadata", "photos", "skills"]).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Singleton fields per contact source: more than one value is a 400.</summary>
    public static readonly FrozenSet<string> Singletons = FrozenSet.Create(StringComparer.Ordinal,
        "names", "biographies", "birthdays", "genders");

    public static readonly PersonFields All = new(Readable.Order(StringComparer.Ordinal).ToArray());

    /// <summary>No fields: only resourceName and etag are returned.</summary>
    public static readonly PersonFields None = new([]);

    private static readonly ConcurrentDictionary<string, PersonFields> Parsed = new(StringComparer.Ordinal);

    private PersonFields(string[] names)
    {
        Names = names;
        Key = string.Join(',', names);
        Set = names.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>Sorted field names.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Canonical form, used to cache rendered persons per mask.</summary>
    public string Key { get; }

    public FrozenSet<string> Set { get; }

    public bool Contains(string field) => Set.Contains(field);

    /// <summary>Parses a comma-separated mask; the deprecated <c>person.names</c> form is accepted too.</summary>
    public static PersonFields? TryParse(string? raw, FrozenSet<string> allowed, out string? invalid)
    {
        invalid = null;
        if (string.IsNullOrWhiteSpace(raw)) return null;
        if (ReferenceEquals(allowed, Readable) && Parsed.TryGetValue(raw, out var cached)) return cached;

        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var part in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = part.StartsWith("person.", StringComparison.Ordinal) ? part["person.".Length..] : part;
            if (!allowed.Contains(name))
            {
                invalid = part;
                return null;
            }
            names.Add(name);
        }
        if (names.Count == 0) return null;
        var fields = new PersonFields([.. names]);
        // Clients use a handful of masks; the bound keeps hostile input from growing the cache.
        if (ReferenceEquals(allowed, Readable) && Parsed.Count < 256) Parsed.TryAdd(raw, fields);
        return fields;
    }
}
