using ContactSync.Domain.Common;

namespace ContactSync.Domain.Contacts;

/// <summary>
/// A partial update of a contact's content, as a JSON merge patch describes it: an absent member leaves the
/// field alone, a present one replaces it, and an explicit null clears it (an empty list for list fields).
/// Lists are replaced whole, as in a merge patch.
/// </summary>
public sealed record ContactPatch
{
    public PersonNamePatch Name { get; init; } = new();
    public Optional<IReadOnlyList<EmailAddress>?> Emails { get; init; }
    public Optional<IReadOnlyList<PhoneNumber>?> Phones { get; init; }
    public Optional<string?> Gender { get; init; }
    public Optional<Birthday?> Birthday { get; init; }
    public Optional<string?> Notes { get; init; }
    public Optional<string?> JobTitle { get; init; }
    public Optional<string?> Company { get; init; }
    public Optional<string?> Department { get; init; }
    public Optional<IReadOnlyList<PostalAddress>?> Addresses { get; init; }
    public Optional<IReadOnlyList<InstantMessenger>?> Ims { get; init; }
    public Optional<IReadOnlyList<Website>?> Websites { get; init; }
    public Optional<string?> PhotoUrl { get; init; }
    public Optional<IReadOnlyList<string>?> Tags { get; init; }

    /// <summary>A patch that sets every field to the given values (a full replacement).</summary>
    public static ContactPatch SetAll(ContactFields fields, IReadOnlyList<string> tags) => new()
    {
        Name = PersonNamePatch.SetAll(fields.Name),
        Emails = new(fields.Emails),
        Phones = new(fields.Phones),
        Gender = fields.Gender,
        Birthday = fields.Birthday,
        Notes = fields.Notes,
        JobTitle = fields.JobTitle,
        Company = fields.Company,
        Department = fields.Department,
        Addresses = new(fields.Addresses),
        Ims = new(fields.Ims),
        Websites = new(fields.Websites),
        PhotoUrl = fields.PhotoUrl,
        Tags = new(tags),
    };

    /// <summary>The content after the patch, not yet normalised.</summary>
    public (ContactFields Fields, IReadOnlyList<string> Tags) ApplyTo(ContactFields fields, IReadOnlyList<string> tags) =>
        (fields with
        {
            Name = Name.ApplyTo(fields.Name),
            Emails = Emails.HasValue ? Emails.Value ?? [] : fields.Emails,
            Phones = Phones.HasValue ? Phones.Value ?? [] : fields.Phones,
            Gender = Gender.GetValueOrDefault(fields.Gender),
            Birthday = Birthday.GetValueOrDefault(fields.Birthday),
            Notes = Notes.GetValueOrDefault(fields.Notes),
            JobTitle = JobTitle.GetValueOrDefault(fields.JobTitle),
            Company = Company.GetValueOrDefault(fields.Company),
            Department = Department.GetValueOrDefault(fields.Department),
            Addresses = Addresses.HasValue ? Addresses.Value ?? [] : fields.Addresses,
            Ims = Ims.HasValue ? Ims.Value ?? [] : fields.Ims,
            Websites = Websites.HasValue ? Websites.Value ?? [] : fields.Websites,
            PhotoUrl = PhotoUrl.GetValueOrDefault(fields.PhotoUrl),
        }, Tags.HasValue ? Tags.Value ?? [] : tags);
}
