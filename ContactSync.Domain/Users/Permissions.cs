namespace ContactSync.Domain.Users;

/// <summary>The permissions a user can hold. Both are needed to set up a sync (as in Pipedrive).</summary>
public static class Permissions
{
    public const string PersonsAdd = "persons.add";
    public const string OrganizationsAdd = "organizations.add";

    public static IReadOnlyList<string> All { get; } = [PersonsAdd, OrganizationsAdd];

    public static bool IsKnown(string permission) => All.Contains(permission, StringComparer.Ordinal);

    /// <summary>Distinct, in the order of <see cref="All"/>, so that two spellings of one set compare equal.</summary>
    public static IReadOnlyList<string> Canonical(IEnumerable<string> permissions)
    {
        var given = permissions.ToHashSet(StringComparer.Ordinal);
        return [.. All.Where(given.Contains)];
    }
}
