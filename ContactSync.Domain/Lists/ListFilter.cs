using System.Globalization;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Validation;

namespace ContactSync.Domain.Lists;

/// <summary>
/// A saved filter over contacts; every part that is set must match (AND), an empty filter matches every
/// contact. <see cref="Tags"/>: the contact has all of them (case-insensitive). <see cref="OwnerIds"/>: the
/// owner is one of them. <see cref="Company"/>: the company equals it (case-insensitive). <see cref="Q"/>: free
/// text found (case-insensitive) in a name part, an e-mail, a phone (typed or normalised), the company, the job
/// title or a tag. Deleted contacts never match. Visibility is not part of the filter: the caller applies
/// <see cref="ContactAccess"/> as well.
/// </summary>
public sealed record ListFilter(IReadOnlyList<string>? Tags = null, IReadOnlyList<Guid>? OwnerIds = null, string? Company = null, string? Q = null)
{
    public static readonly ListFilter All = new();

    public bool Matches(Contact contact) =>
        contact.Exists && !contact.Deleted &&
        (Tags is not { Count: > 0 } || Tags.All(t => contact.Tags.Contains(t, StringComparer.OrdinalIgnoreCase))) &&
        (OwnerIds is not { Count: > 0 } || OwnerIds.Contains(contact.OwnerId)) &&
        (Company is null || string.Equals(Company, contact.Fields.Company, StringComparison.OrdinalIgnoreCase)) &&
        (Q is null || SearchableText(contact).Any(text => Contains(text, Q)));

    /// <summary>Trims and NFC-normalises the parts, drops blank ones, and reports limits by field path (<c>filter.tags</c>...).</summary>
    public static Validated<ListFilter> Normalize(ListFilter? filter)
    {
        var errors = new FieldErrors();
        filter ??= All;
        var tags = ContactValidation.NormalizeTags(filter.Tags);
        foreach (var (field, messages) in tags.Errors.ToDictionary())
        {
            foreach (var message in messages)
            {
                errors.Add("filter." + field, message);
            }
        }
        if (filter.OwnerIds is { Count: > Limits.ListFilterValues })
        {
            errors.Add("filter.ownerIds", $"At most {Limits.ListFilterValues} owners are allowed.");
        }
        var clean = new ListFilter(
            tags.Value.Count == 0 ? null : tags.Value,
            filter.OwnerIds is { Count: > 0 } owners ? [.. owners.Distinct()] : null,
            TextInput.Optional(filter.Company, "filter.company", Limits.ListFilterText, errors),
            TextInput.Optional(filter.Q, "filter.q", Limits.ListFilterText, errors));
        return new Validated<ListFilter>(clean, errors);
    }

    private static IEnumerable<string> SearchableText(Contact contact)
    {
        var f = contact.Fields;
        string?[] single = [f.Name.Given, f.Name.Middle, f.Name.Family, f.Name.Display, f.Company, f.JobTitle];
        return single.OfType<string>()
            .Concat(f.Emails.Select(e => e.Value))
            .Concat(f.Phones.SelectMany(p => new[] { p.Value, p.Normalized ?? "" }))
            .Concat(contact.Tags);
    }

    private static bool Contains(string text, string query) =>
        CultureInfo.InvariantCulture.CompareInfo.IndexOf(text, query, CompareOptions.IgnoreCase) >= 0;

    // Records compare lists by reference; filters are compared by value (a change to an equal filter is a no-op).
    public bool Equals(ListFilter? other) =>
        other is not null &&
        (Tags ?? []).SequenceEqual(other.Tags ?? []) &&
        (OwnerIds ?? []).SequenceEqual(other.OwnerIds ?? []) &&
        Company == other.Company && Q == other.Q;

    public override int GetHashCode() => HashCode.Combine(Company, Q, Tags?.Count, OwnerIds?.Count);
}
