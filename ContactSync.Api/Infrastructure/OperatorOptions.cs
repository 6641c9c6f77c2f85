using System.ComponentModel.DataAnnotations;

namespace ContactSync.Api.Infrastructure;

/// <summary>
/// The operator key (<c>ContactSync:OperatorKey</c>): may create tenants and read <c>/api/ops</c>. Optional; when set it
/// must carry at least 32 random bytes, and the API refuses to start otherwise. Entropy cannot be measured, so the rule
/// is on the encoding: after an optional <c>op_</c> prefix, at least 43 characters (32 bytes in unpadded base64url, 6
/// bits each), or 64 when every one is a hex digit (4 bits each); printable ASCII without spaces, at most 256 characters
/// (the longest key the authentication reads).
/// </summary>
public sealed class OperatorOptions : IValidatableObject
{
    public const string SectionName = "ContactSync";
    public const string Prefix = "op_";
    public const int MinRandomBytes = 32;
    public const int MaxLength = 256;

    public string? OperatorKey { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(OperatorKey)) yield break;
        if (Problem(OperatorKey) is { } problem)
            yield return new ValidationResult($"ContactSync:OperatorKey {problem}. Generate one with: " +
                "echo op_$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=')", [nameof(OperatorKey)]);
    }

    /// <summary>Why a key is refused, or null when it is long enough.</summary>
    public static string? Problem(string key)
    {
        if (key.Length > MaxLength) return $"must be at most {MaxLength} characters long (the longest key read), but has {key.Length}";
        if (key.Any(c => c is <= ' ' or > '~')) return "must be printable ASCII without spaces";
        var body = key.StartsWith(Prefix, StringComparison.Ordinal) ? key[Prefix.Length..] : key;
        var bits = body.All(char.IsAsciiHexDigit) ? 4 : 6;
        var needed = (MinRandomBytes * 8 + bits - 1) / bits;
        return body.Length >= needed ? null
            : $"must carry at least {MinRandomBytes} random bytes: {needed} or more {(bits == 4 ? "hex digits" : "base64url characters")} " +
              $"after an optional '{Prefix}' prefix, but has {body.Length}";
    }
}
