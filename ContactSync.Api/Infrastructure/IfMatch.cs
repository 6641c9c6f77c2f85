using System.Globalization;

namespace ContactSync.Api.Infrastructure;

/// <summary>ETag = the stream version, <c>"&lt;version&gt;"</c>; If-Match pins a write to it.</summary>
public static class IfMatch
{
    public static string ETag(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    /// <summary>
    /// The version the client pinned: null when it sent no If-Match (or <c>*</c>). False for a value that can
    /// never match a version (answered 412, as for any mismatch).
    /// </summary>
    public static bool TryRead(HttpRequest request, out long? version)
    {
        version = null;
        var values = request.Headers.IfMatch;
        if (values.Count == 0) return true;
        if (values.Count > 1) return false;
        var text = values[0]!.Trim();
        if (text == "*") return true;
        if (text.StartsWith("W/", StringComparison.Ordinal)) text = text[2..];
        if (text.Length < 3 || text[0] != '"' || text[^1] != '"') return false;
        if (!long.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return false;
        version = v;
        return true;
    }
}
