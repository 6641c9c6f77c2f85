using System.Text.RegularExpressions;
using ContactSync.Sandbox.Graph.Http;
using ContactSync.Sandbox.Graph.Store;

namespace ContactSync.Sandbox.Graph.Contacts;

/// <summary>The OData options the emulator understands on contacts: <c>$select</c>, <c>$expand</c> of
/// single-value extended properties, and the two <c>$filter</c> shapes a sync needs (by e-mail, by extended
/// property value).</summary>
public sealed partial record ContactQuery(
    IReadOnlySet<string>? Select, bool ExpandExtended, string? ExpandId, Func<ContactRecord, bool>? Filter)
{
    public static readonly ContactQuery Default = new(null, false, null, null);

    public static (ContactQuery? Query, GraphResponse? Error) From(GraphRequest request)
    {
        var select = ParseSelect(request.QueryValue("$select"));
        bool expand = false;
        string? expandId = null;
        if (request.QueryValue("$expand") is { Length: > 0 } e)
        {
            var m = ExpandRegex().Match(e);
            if (!m.Success) return (null, GraphResponse.BadRequest($"Unsupported $expand '{e}'.", "BadRequest"));
            expand = true;
            expandId = m.Groups[1].Success ? Unquote(m.Groups[1].Value) : null;
        }
        Func<ContactRecord, bool>? filter = null;
        if (request.QueryValue("$filter") is { Length: > 0 } f)
        {
            if (ExtendedFilterRegex().Match(f) is { Success: true } x)
            {
                var (pid, value) = (Unquote(x.Groups[2].Value), Unquote(x.Groups[3].Value));
                filter = c => c.Extended.TryGetValue(pid, out var p) && p.Value == value;
            }
            else if (EmailFilterRegex().Match(f) is { Success: true } em)
            {
                var address = Unquote(em.Groups[2].Value);
                filter = c => ContactJson.EmailAddresses(c).Any(a => string.Equals(a, address, StringComparison.OrdinalIgnoreCase));
            }
            else return (null, GraphResponse.BadRequest("The query filter contains one or more invalid nodes.", "ErrorInvalidUrlQueryFilter"));
        }
        return (new ContactQuery(select, expand, expandId, filter), null);
    }

    public static IReadOnlySet<string>? ParseSelect(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null
            : value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static string Unquote(string s) => s.Replace("''", "'");

    [GeneratedRegex(@"^\s*singleValueExtendedProperties(?:\(\s*\$filter\s*=\s*id\s+eq\s+'((?:[^']|'')*)'\s*\))?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ExpandRegex();

    [GeneratedRegex(@"^\s*singleValueExtendedProperties/any\(\s*(\w+)\s*:\s*\1/id\s+eq\s+'((?:[^']|'')*)'\s+and\s+\1/value\s+eq\s+'((?:[^']|'')*)'\s*\)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ExtendedFilterRegex();

    [GeneratedRegex(@"^\s*emailAddresses/any\(\s*(\w+)\s*:\s*\1/address\s+eq\s+'((?:[^']|'')*)'\s*\)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex EmailFilterRegex();
}
