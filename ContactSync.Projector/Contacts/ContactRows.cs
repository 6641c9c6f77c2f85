using System.Text.Json.Serialization;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Projector.Projections;

namespace ContactSync.Projector.Contacts;

/// <summary>A contact row: the columns the API filters and authorises on, and the whole state for reading.</summary>
internal sealed record ContactRow(
    Guid ContactId, Guid TenantId, Guid OwnerId, Guid[] FollowerIds, string Visibility, string[] Tags,
    string? Company, string? DisplayName, string Search, bool Deleted, long Version,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    [property: JsonConverter(typeof(DomainJsonConverter<Contact>))] Contact State)
{
    public static ContactRow From(Contact c) => new(
        c.Id, c.TenantId, c.OwnerId, [.. c.FollowerIds], c.Visibility.ToName(), [.. c.Tags],
        c.Fields.Company, DisplayNameOf(c.Fields.Name), SearchText(c), c.Deleted, c.Version, c.CreatedAt, c.UpdatedAt, c);

    /// <summary>The display name as typed, else given and family name; null when the contact has no name.</summary>
    public static string? DisplayNameOf(PersonName name) =>
        name.Display ?? (string.Join(' ', new[] { name.Given, name.Family }.Where(p => !string.IsNullOrEmpty(p))) is { Length: > 0 } joined ? joined : null);

    /// <summary>
    /// Lower-cased text the API searches with <c>LIKE</c>: the same parts <see cref="ListFilter"/> searches, so a
    /// search and a list with the same words find the same contacts.
    /// </summary>
    public static string SearchText(Contact c)
    {
        var f = c.Fields;
        string?[] single = [f.Name.Given, f.Name.Middle, f.Name.Family, f.Name.Prefix, f.Name.Suffix, f.Name.Display, f.Company, f.JobTitle];
        var parts = single.OfType<string>()
            .Concat(f.Emails.Select(e => e.Value))
            .Concat(f.Phones.SelectMany(p => p.Normalized is null ? [p.Value] : new[] { p.Value, p.Normalized }))
            .Concat(c.Tags);
        return string.Join('\n', parts).ToLowerInvariant();
    }
}

internal sealed record ListRow(
    Guid ListId, Guid TenantId, string Name,
    [property: JsonConverter(typeof(DomainJsonConverter<ListFilter>))] ListFilter Filter,
    Guid CreatedBy, bool Deleted, long Version)
{
    public ContactList ToState() => new(ListId, TenantId, Name, Filter, CreatedBy, Deleted, Version);

    public static ListRow From(ContactList l) => new(l.Id, l.TenantId, l.Name, l.Filter, l.CreatedBy, l.Deleted, l.Version);
}
