using System.Text.RegularExpressions;

namespace ContactSync.Domain.Validation;

/// <summary>
/// Website and photo addresses. Only http and https are accepted as schemes, because these values end up as
/// links: a stored <c>javascript:</c> URL would be interpreted by whoever renders it.
/// </summary>
public static partial class WebAddresses
{
    /// <summary>A website may be typed without a scheme (<c>example.com/about</c>).</summary>
    public static string? CheckWebsite(string url)
    {
        if (url.Any(char.IsWhiteSpace))
        {
            return "Must not contain spaces.";
        }
        var scheme = Scheme().Match(url);
        if (scheme.Success && !scheme.Groups[1].Value.Contains('.', StringComparison.Ordinal) && !IsHttp(scheme.Groups[1].Value))
        {
            return "Only http and https addresses are allowed.";
        }
        return null;
    }

    /// <summary>A photo must be an absolute http or https URL.</summary>
    public static string? CheckPhotoUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsHttp(uri.Scheme) && !url.Any(char.IsWhiteSpace)
            ? null
            : "Must be an absolute http or https URL.";

    private static bool IsHttp(string scheme) =>
        scheme.Equals("http", StringComparison.OrdinalIgnoreCase) || scheme.Equals("https", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9+.\-]*):")]
    private static partial Regex Scheme();
}
