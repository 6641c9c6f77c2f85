using System.Text.Json.Serialization;

namespace ContactSync.Domain.Contacts;

/// <summary>Who may see (and so edit) a contact. The levels are nested, from narrowest to widest; see <see cref="ContactAccess"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ContactVisibility>))]
public enum ContactVisibility
{
    [JsonStringEnumMemberName("owner")] Owner,
    [JsonStringEnumMemberName("owner-and-followers")] OwnerAndFollowers,
    [JsonStringEnumMemberName("owner-role")] OwnerRole,
    [JsonStringEnumMemberName("owner-role-and-below")] OwnerRoleAndBelow,
    [JsonStringEnumMemberName("company")] Company,
}

public static class ContactVisibilityNames
{
    private static readonly (ContactVisibility Value, string Name)[] Names =
    [
        (ContactVisibility.Owner, "owner"),
        (ContactVisibility.OwnerAndFollowers, "owner-and-followers"),
        (ContactVisibility.OwnerRole, "owner-role"),
        (ContactVisibility.OwnerRoleAndBelow, "owner-role-and-below"),
        (ContactVisibility.Company, "company"),
    ];

    public static IReadOnlyList<string> All { get; } = [.. Names.Select(n => n.Name)];

    public static string ToName(this ContactVisibility visibility) => Names.First(n => n.Value == visibility).Name;

    /// <summary>Parses the wire name exactly (lower-case, dashes); false for anything else, including numbers.</summary>
    public static bool TryParse(string? name, out ContactVisibility visibility)
    {
        foreach (var (value, wire) in Names)
        {
            if (wire == name)
            {
                visibility = value;
                return true;
            }
        }
        visibility = default;
        return false;
    }
}
