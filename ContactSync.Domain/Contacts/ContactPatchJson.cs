using System.Text.Json;
using ContactSync.Domain.Common;
using ContactSync.Domain.Serialization;
using ContactSync.Domain.Validation;

namespace ContactSync.Domain.Contacts;

/// <summary>
/// Reads a JSON merge patch (RFC 7396) of a contact into a <see cref="ContactPatch"/>, keeping "absent" and
/// "null" apart, which a plain deserializer cannot. Wrong JSON types become field errors. The members the API
/// handles with their own commands (<c>ownerId</c>, <c>followerIds</c>, <c>visibility</c>) and the read-only ones
/// (<c>id</c>, <c>version</c>, <c>deleted</c>, <c>createdAt</c>, <c>updatedAt</c>) are skipped here; any other
/// unknown member is an error, so a misspelt field is never silently ignored.
/// </summary>
public static class ContactPatchJson
{
    private static readonly HashSet<string> HandledElsewhere =
        ["ownerId", "followerIds", "visibility", "id", "version", "deleted", "createdAt", "updatedAt"];

    public static Validated<ContactPatch> Parse(JsonElement body)
    {
        var errors = new FieldErrors();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("", "The body must be a JSON object.");
            return new Validated<ContactPatch>(new ContactPatch(), errors);
        }
        var patch = new ContactPatch();
        foreach (var member in body.EnumerateObject())
        {
            var v = member.Value;
            var name = member.Name;
            patch = name switch
            {
                "name" => patch with { Name = Name(v, errors) },
                "emails" => patch with { Emails = Value<IReadOnlyList<EmailAddress>>(v, name, "a list of {value, type}", errors) },
                "phones" => patch with { Phones = Value<IReadOnlyList<PhoneNumber>>(v, name, "a list of {value, type}", errors) },
                "gender" => patch with { Gender = Text(v, name, errors) },
                "birthday" => patch with { Birthday = Value<Birthday>(v, name, "an object {year?, month, day}", errors) },
                "notes" => patch with { Notes = Text(v, name, errors) },
                "jobTitle" => patch with { JobTitle = Text(v, name, errors) },
                "company" => patch with { Company = Text(v, name, errors) },
                "department" => patch with { Department = Text(v, name, errors) },
                "addresses" => patch with { Addresses = Value<IReadOnlyList<PostalAddress>>(v, name, "a list of addresses", errors) },
                "ims" => patch with { Ims = Value<IReadOnlyList<InstantMessenger>>(v, name, "a list of {protocol, handle}", errors) },
                "websites" => patch with { Websites = Value<IReadOnlyList<Website>>(v, name, "a list of {url, type}", errors) },
                "photoUrl" => patch with { PhotoUrl = Text(v, name, errors) },
                "tags" => patch with { Tags = Value<IReadOnlyList<string>>(v, name, "a list of strings", errors) },
                _ when HandledElsewhere.Contains(name) => patch,
                _ => Unknown(patch, name, errors),
            };
        }
        return new Validated<ContactPatch>(patch, errors);
    }

    private static PersonNamePatch Name(JsonElement v, FieldErrors errors)
    {
        if (v.ValueKind == JsonValueKind.Null)
        {
            return PersonNamePatch.ClearAll;
        }
        if (v.ValueKind != JsonValueKind.Object)
        {
            errors.Add("name", "Must be an object or null.");
            return new PersonNamePatch();
        }
        var name = new PersonNamePatch();
        foreach (var part in v.EnumerateObject())
        {
            var field = "name." + part.Name;
            name = part.Name switch
            {
                "given" => name with { Given = Text(part.Value, field, errors) },
                "middle" => name with { Middle = Text(part.Value, field, errors) },
                "family" => name with { Family = Text(part.Value, field, errors) },
                "prefix" => name with { Prefix = Text(part.Value, field, errors) },
                "suffix" => name with { Suffix = Text(part.Value, field, errors) },
                "display" => name with { Display = Text(part.Value, field, errors) },
                _ => Unknown(name, field, errors),
            };
        }
        return name;
    }

    private static Optional<string?> Text(JsonElement v, string field, FieldErrors errors)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.Null:
                return new Optional<string?>(null);
            case JsonValueKind.String:
                return v.GetString();
            default:
                errors.Add(field, "Must be a string or null.");
                return default;
        }
    }

    private static Optional<T?> Value<T>(JsonElement v, string field, string shape, FieldErrors errors) where T : class
    {
        try
        {
            return new Optional<T?>(v.Deserialize<T>(DomainJson.Options));
        }
        catch (JsonException)
        {
            errors.Add(field, $"Must be {shape}, or null.");
            return default;
        }
    }

    private static T Unknown<T>(T patch, string field, FieldErrors errors)
    {
        errors.Add(field, "Is not a contact field.");
        return patch;
    }
}
