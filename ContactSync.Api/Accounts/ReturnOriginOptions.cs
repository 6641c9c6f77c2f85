using System.ComponentModel.DataAnnotations;

namespace ContactSync.Api.Accounts;

/// <summary>Origins (<c>scheme://host[:port]</c>) besides the API's own that a connect may return to
/// (<c>ContactSync:AllowedReturnOrigins</c>), e.g. the CRM front end.</summary>
public sealed class ReturnOriginOptions : IValidatableObject
{
    public const string SectionName = "ContactSync";

    public string[] AllowedReturnOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var origin in AllowedReturnOrigins)
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") ||
                uri.GetLeftPart(UriPartial.Authority) != origin.TrimEnd('/') || !string.IsNullOrEmpty(uri.UserInfo))
                yield return new ValidationResult($"'{origin}' is not an origin (scheme://host[:port], nothing else).", [nameof(AllowedReturnOrigins)]);
    }
}
