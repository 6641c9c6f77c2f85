namespace ContactSync.Api.Accounts;

/// <summary>
/// Where a finished connect sends the browser: a path on the API itself, or an absolute address on the API's public
/// origin (<see cref="Infrastructure.PublicAddress"/>, never the request's Host) or on a configured one. Anything else
/// is refused up front, so the callback can never be an open redirect.
/// </summary>
public static class ReturnUrls
{
    public const string Default = "/api/accounts";
    private const int MaxLength = 2048;

    /// <summary>The address to return to, or null when <paramref name="raw"/> is not allowed.</summary>
    public static string? Resolve(string? raw, string ownOrigin, IReadOnlyCollection<string> allowedOrigins)
    {
        if (string.IsNullOrEmpty(raw)) return Default;
        if (raw.Length > MaxLength || raw.Any(c => char.IsControl(c) || c == '\\' || char.IsWhiteSpace(c))) return null;
        if (raw[0] == '/')
            // "//host" and "/\host" are network-path references browsers resolve to another host.
            return raw.Length > 1 && raw[1] is '/' or '\\' ? null : Uri.TryCreate(raw, UriKind.Relative, out _) ? raw : null;
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0) return null;
        var origin = uri.GetLeftPart(UriPartial.Authority);
        return string.Equals(origin, ownOrigin, StringComparison.OrdinalIgnoreCase) ||
               allowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase))
            ? uri.AbsoluteUri
            : null;
    }

    /// <summary>The return address with one more query parameter (an error code from the provider).</summary>
    public static string With(string url, string name, string value) =>
        url + (url.Contains('?') ? "&" : "?") + $"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}";
}
