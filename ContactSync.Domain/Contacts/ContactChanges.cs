using System.Text.Json;
using ContactSync.Domain.Serialization;

namespace ContactSync.Domain.Contacts;

/// <summary>
/// The field paths of a contact's content and the two pure functions over them: <see cref="Between"/> computes the
/// field-level changes from one state to another, <see cref="Apply"/> replays them. Ownership, followers,
/// visibility and deletion have their own events and are not content paths.
/// </summary>
public static class ContactChanges
{
    private sealed record Path(string Name, Func<Contact, JsonElement> Read, Func<Contact, JsonElement, Contact> Write);

    private static readonly Path[] All =
    [
        Field("name.given", c => c.Fields.Name.Given, (c, v) => c with { Fields = c.Fields with { Name = c.Fields.Name with { Given = v } } }),
        Field("name.middle", c => c.Fields.Name.Middle, (c, v) => c with { Fields = c.Fields with { Name = c.Fields.Name with { Middle = v } } }),
        Field("name.family", c => c.Fields.Name.Family, (c, v) => c with { Fields = c.Fields with { Name = c.Fields.Name with { Family = v } } }),
        Field("name.prefix", c => c.Fields.Name.Prefix, (c, v) => c with { Fields = c.Fields with { Name = c.Fields.Name with { Prefix = v } } }),
        Field("name.suffix", c => c.Fields.Name.Suffix, (c, v) => c with { Fields = c.Fields with { Name = c.Fields.Name with { Suffix = v } } }),
        Field("name.display", c => c.Fields.Name.Display, (c, v) => c with { Fields = c.Fields with { Name = c.Fields.Name with { Display = v } } }),
        Field("emails", c => c.Fields.Emails, (c, v) => c with { Fields = c.Fields with { Emails = v ?? [] } }),
        Field("phones", c => c.Fields.Phones, (c, v) => c with { Fields = c.Fields with { Phones = v ?? [] } }),
        Field("gender", c => c.Fields.Gender, (c, v) => c with { Fields = c.Fields with { Gender = v } }),
        Field("birthday", c => c.Fields.Birthday, (c, v) => c with { Fields = c.Fields with { Birthday = v } }),
        Field("notes", c => c.Fields.Notes, (c, v) => c with { Fields = c.Fields with { Notes = v } }),
        Field("jobTitle", c => c.Fields.JobTitle, (c, v) => c with { Fields = c.Fields with { JobTitle = v } }),
        Field("company", c => c.Fields.Company, (c, v) => c with { Fields = c.Fields with { Company = v } }),
        Field("department", c => c.Fields.Department, (c, v) => c with { Fields = c.Fields with { Department = v } }),
        Field("addresses", c => c.Fields.Addresses, (c, v) => c with { Fields = c.Fields with { Addresses = v ?? [] } }),
        Field("ims", c => c.Fields.Ims, (c, v) => c with { Fields = c.Fields with { Ims = v ?? [] } }),
        Field("websites", c => c.Fields.Websites, (c, v) => c with { Fields = c.Fields with { Websites = v ?? [] } }),
        Field("photoUrl", c => c.Fields.PhotoUrl, (c, v) => c with { Fields = c.Fields with { PhotoUrl = v } }),
        Field("tags", c => c.Tags, (c, v) => c with { Tags = v ?? [] }),
    ];

    private static readonly Dictionary<string, Path> ByName = All.ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>Every content path, in the order changes are listed.</summary>
    public static IReadOnlyList<string> Paths { get; } = [.. All.Select(p => p.Name)];

    /// <summary>The changes that turn <paramref name="before"/>'s content into <paramref name="after"/>'s; empty when equal.</summary>
    public static IReadOnlyList<FieldChange> Between(Contact before, Contact after) =>
        [.. All.Select(p => (p.Name, From: p.Read(before), To: p.Read(after)))
               .Where(c => !JsonElement.DeepEquals(c.From, c.To))
               .Select(c => new FieldChange(c.Name, c.From, c.To))];

    /// <summary>Sets each changed path to its <c>to</c> value.</summary>
    public static Contact Apply(Contact state, IEnumerable<FieldChange> changes) =>
        changes.Aggregate(state, (c, change) => ByName.TryGetValue(change.Field, out var path)
            ? path.Write(c, change.To)
            : throw new InvalidOperationException($"Unknown contact field path '{change.Field}' in a stored change."));

    /// <summary>A value as it appears in a change (camelCase JSON, <c>null</c> for none).</summary>
    public static JsonElement ToJson<T>(T value) => JsonSerializer.SerializeToElement(value, DomainJson.Options);

    private static Path Field<T>(string name, Func<Contact, T> read, Func<Contact, T?, Contact> write) =>
        new(name, c => ToJson(read(c)), (c, json) => write(c, json.Deserialize<T>(DomainJson.Options)));
}
