using System.Text.Json;
using ContactSync.Sandbox.Control;
using ContactSync.Sandbox.Graph.Store;
using Microsoft.Extensions.Primitives;

namespace ContactSync.Sandbox.Graph.Http;

/// <summary>One Graph call, from HTTP or from inside a <c>$batch</c>, for the mailbox of the bearer token.</summary>
/// <param name="Path">The path after <c>/v1.0</c>, for example <c>/me/contacts/AAMk…</c>.</param>
/// <param name="BaseUrl">The emulator's own version root (<c>http://host:port/v1.0</c>); links are absolute under it.</param>
public sealed record GraphRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, StringValues> Query,
    IReadOnlyDictionary<string, string> Headers,
    JsonElement? Body,
    Mailbox Caller,
    string BaseUrl,
    FaultSettings Faults)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public string? QueryValue(string name) => Query.TryGetValue(name, out var v) ? v.ToString() : null;

    /// <summary>The preferences of the <c>Prefer</c> header (several may be comma-separated).</summary>
    public int? MaxPageSize()
    {
        foreach (var part in (Header("Prefer") ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("odata.maxpagesize=", StringComparison.OrdinalIgnoreCase) &&
                int.TryParse(part["odata.maxpagesize=".Length..], out var n) && n > 0)
                return n;
        }
        return null;
    }

    public static IReadOnlyDictionary<string, StringValues> ParseQuery(string? queryString)
    {
        var parsed = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(queryString);
        return new Dictionary<string, StringValues>(parsed, StringComparer.OrdinalIgnoreCase);
    }
}
