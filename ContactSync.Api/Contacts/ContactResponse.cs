using ContactSync.Domain.Contacts;

namespace ContactSync.Api.Contacts;

/// <summary>A contact as the API shows it (api.md "Contact").</summary>
public sealed record ContactResponse(
    Guid Id, long Version, PersonName Name, IReadOnlyList<EmailAddress> Emails, IReadOnlyList<PhoneNumber> Phones,
    string? Gender, Birthday? Birthday, string? Notes, string? JobTitle, string? Company, string? Department,
    IReadOnlyList<PostalAddress> Addresses, IReadOnlyList<InstantMessenger> Ims, IReadOnlyList<Website> Websites,
    string? PhotoUrl, IReadOnlyList<string> Tags, Guid OwnerId, IReadOnlyList<Guid> FollowerIds, string Visibility,
    bool Deleted, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public static class ContactMapping
{
    public static ContactResponse ToResponse(this Contact c)
    {
        var f = c.Fields;
        return new ContactResponse(c.Id, c.Version, f.Name, f.Emails, f.Phones, f.Gender, f.Birthday, f.Notes, f.JobTitle,
            f.Company, f.Department, f.Addresses, f.Ims, f.Websites, f.PhotoUrl, c.Tags, c.OwnerId, c.FollowerIds,
            c.Visibility.ToName(), c.Deleted, c.CreatedAt, c.UpdatedAt);
    }
}
