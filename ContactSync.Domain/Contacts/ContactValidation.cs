using ContactSync.Domain.Validation;

namespace ContactSync.Domain.Contacts;

/// <summary>
/// Cleans and checks a contact's content: every string through <see cref="TextInput"/>, e-mails through
/// <see cref="EmailSyntax"/>, phones keep their typed text and gain <see cref="PhoneNumber.Normalized"/>, birthdays
/// must exist, counts and lengths follow <see cref="Limits"/>. Never throws for bad input: problems come back as
/// field errors, keyed by the API's field paths. Idempotent: normalising a normalised value changes nothing.
/// </summary>
public static class ContactValidation
{
    public static Validated<ContactFields> Normalize(ContactFields? fields)
    {
        var errors = new FieldErrors();
        fields ??= ContactFields.Empty;
        var name = fields.Name ?? PersonName.Empty;
        var clean = new ContactFields
        {
            Name = new PersonName(
                TextInput.Optional(name.Given, "name.given", Limits.NamePart, errors),
                TextInput.Optional(name.Middle, "name.middle", Limits.NamePart, errors),
                TextInput.Optional(name.Family, "name.family", Limits.NamePart, errors),
                TextInput.Optional(name.Prefix, "name.prefix", Limits.NamePart, errors),
                TextInput.Optional(name.Suffix, "name.suffix", Limits.NamePart, errors),
                TextInput.Optional(name.Display, "name.display", Limits.NamePart, errors)),
            Emails = Items(fields.Emails, "emails", Limits.Emails, "e-mail addresses", errors, (e, at) =>
            {
                var value = Checked(TextInput.Required(e.Value, at + ".value", Limits.EmailAddress, errors), at + ".value", EmailSyntax.Check, errors);
                return new EmailAddress(value, TextInput.Optional(e.Type, at + ".type", Limits.LabelType, errors));
            }),
            Phones = Items(fields.Phones, "phones", Limits.Phones, "phone numbers", errors, (p, at) =>
            {
                var value = Checked(TextInput.Required(p.Value, at + ".value", Limits.PhoneNumber, errors), at + ".value", PhoneNumbers.Check, errors);
                return new PhoneNumber(value, TextInput.Optional(p.Type, at + ".type", Limits.LabelType, errors), PhoneNumbers.Normalize(value));
            }),
            Gender = TextInput.Optional(fields.Gender, "gender", Limits.Gender, errors),
            Birthday = fields.Birthday is { } b && Birthdays.Check(b.Year, b.Month, b.Day) is { } birthdayProblem
                ? Error<Birthday>(errors, "birthday", birthdayProblem)
                : fields.Birthday,
            Notes = TextInput.Optional(fields.Notes, "notes", Limits.Notes, errors, multiline: true),
            JobTitle = TextInput.Optional(fields.JobTitle, "jobTitle", Limits.JobTitle, errors),
            Company = TextInput.Optional(fields.Company, "company", Limits.Company, errors),
            Department = TextInput.Optional(fields.Department, "department", Limits.Department, errors),
            Addresses = Items<PostalAddress, PostalAddress>(fields.Addresses, "addresses", Limits.Addresses, "addresses", errors, (a, at) => Address(a, at, errors)),
            Ims = Items(fields.Ims, "ims", Limits.Ims, "instant messengers", errors, (im, at) => new InstantMessenger(
                TextInput.Required(im.Protocol, at + ".protocol", Limits.ImProtocol, errors),
                TextInput.Required(im.Handle, at + ".handle", Limits.ImHandle, errors))),
            Websites = Items(fields.Websites, "websites", Limits.Websites, "websites", errors, (w, at) =>
            {
                var url = Checked(TextInput.Required(w.Url, at + ".url", Limits.Url, errors), at + ".url", WebAddresses.CheckWebsite, errors);
                return new Website(url, TextInput.Optional(w.Type, at + ".type", Limits.LabelType, errors));
            }),
            PhotoUrl = TextInput.Optional(fields.PhotoUrl, "photoUrl", Limits.Url, errors) is { } photo
                ? Checked(photo, "photoUrl", WebAddresses.CheckPhotoUrl, errors)
                : null,
        };
        return new Validated<ContactFields>(clean, errors);
    }

    /// <summary>Tags are a set: trimmed, NFC, no blanks, and the first spelling wins among case-insensitive duplicates.</summary>
    public static Validated<IReadOnlyList<string>> NormalizeTags(IReadOnlyList<string?>? tags)
    {
        var errors = new FieldErrors();
        var clean = Items(tags, "tags", Limits.Tags, "tags", errors, (t, at) => TextInput.Required(t, at, Limits.Tag, errors));
        IReadOnlyList<string> distinct = [.. clean.Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];
        return new Validated<IReadOnlyList<string>>(distinct, errors);
    }

    private static PostalAddress Address(PostalAddress a, string at, FieldErrors errors)
    {
        var clean = new PostalAddress(
            TextInput.Optional(a.Type, at + ".type", Limits.LabelType, errors),
            TextInput.Optional(a.Street, at + ".street", Limits.Street, errors, multiline: true),
            TextInput.Optional(a.Extended, at + ".extended", Limits.AddressPart, errors),
            TextInput.Optional(a.PoBox, at + ".poBox", Limits.AddressPart, errors),
            TextInput.Optional(a.City, at + ".city", Limits.AddressPart, errors),
            TextInput.Optional(a.Region, at + ".region", Limits.AddressPart, errors),
            TextInput.Optional(a.PostalCode, at + ".postalCode", Limits.AddressPart, errors),
            TextInput.Optional(a.Country, at + ".country", Limits.AddressPart, errors),
            TextInput.Optional(a.CountryCode, at + ".countryCode", 2, errors)?.ToUpperInvariant());
        if (clean.CountryCode is { } code && !code.All(char.IsAsciiLetterUpper))
        {
            errors.Add(at + ".countryCode", "Must be a two-letter ISO 3166 country code.");
        }
        if (clean with { Type = null } == new PostalAddress())
        {
            errors.Add(at, "An address needs at least one part.");
        }
        return clean;
    }

    // A list over its limit is reported once and its items are not examined: a hostile request with a million
    // entries must not cost a million error messages.
    private static IReadOnlyList<TOut> Items<TIn, TOut>(
        IReadOnlyList<TIn?>? items, string field, int max, string what, FieldErrors errors, Func<TIn, string, TOut> clean)
    {
        if (items is null)
        {
            return [];
        }
        if (items.Count > max)
        {
            errors.Add(field, $"At most {max} {what} are allowed.");
            return [];
        }
        var result = new List<TOut>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is { } item)
            {
                result.Add(clean(item, $"{field}[{i}]"));
            }
            else
            {
                errors.Add($"{field}[{i}]", "Must not be null.");
            }
        }
        return result;
    }

    private static string Checked(string value, string field, Func<string, string?> check, FieldErrors errors)
    {
        if (errors.For(field).Count == 0 && check(value) is { } problem)
        {
            errors.Add(field, problem);
        }
        return value;
    }

    private static T? Error<T>(FieldErrors errors, string field, string message) where T : class
    {
        errors.Add(field, message);
        return null;
    }
}
