using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ContactSync.Providers.Accounts;

/// <summary>
/// The keys that seal refresh tokens (<c>ContactSync:GrantKeys</c>), kept in configuration (a secret store, the
/// AppHost's generated secrets), never in the database: <c>Current</c> names the key new grants are sealed with,
/// <c>Keys:&lt;id&gt;</c> holds each key as base64 of 32 bytes. Old keys stay listed until no grant uses them, so keys
/// rotate without re-sealing anything.
/// </summary>
public sealed class GrantKeyOptions
{
    public const string SectionName = "ContactSync:GrantKeys";

    public string? Current { get; set; }

    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Refuses to start without a usable current key, so a misconfigured host fails at once, not on the first connect.</summary>
internal sealed partial class GrantKeyOptionsValidator : IValidateOptions<GrantKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, GrantKeyOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Current))
            failures.Add($"{GrantKeyOptions.SectionName}:Current is required: the id of the key that seals refresh tokens.");
        else if (!options.Keys.ContainsKey(options.Current))
            failures.Add($"{GrantKeyOptions.SectionName}:Keys:{options.Current} is missing: the current key must be listed.");
        foreach (var (id, value) in options.Keys)
        {
            if (!KeyId().IsMatch(id)) failures.Add($"Grant key id '{id}' must be 1-64 letters, digits, '.', '_' or '-'.");
            if (!IsKey(value)) failures.Add($"{GrantKeyOptions.SectionName}:Keys:{id} must be base64 of exactly 32 bytes.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsKey(string? value)
    {
        Span<byte> buffer = stackalloc byte[48];
        return value is not null && Convert.TryFromBase64String(value.Trim(), buffer, out var written) && written == 32;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    internal static partial Regex KeyId();
}
