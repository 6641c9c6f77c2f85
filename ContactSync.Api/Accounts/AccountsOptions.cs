using System.ComponentModel.DataAnnotations;

namespace ContactSync.Api.Accounts;

/// <summary>The OAuth connect flow (<c>ContactSync:Accounts</c>).</summary>
public sealed class AccountsOptions : IValidatableObject
{
    public const string SectionName = "ContactSync:Accounts";

    /// <summary>How long a consent may take: a <c>state</c> older than this is refused at the callback.</summary>
    public TimeSpan StateLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a consent finished in another browser waits for its starter's confirmation code.</summary>
    public TimeSpan PendingLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The API's address as the providers' consent pages redirect to it, when it differs from
    /// <c>ContactSync:PublicUrl</c>; by default that public address (never the request's Host header).</summary>
    public Uri? CallbackBaseUri { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StateLifetime <= TimeSpan.Zero || StateLifetime > TimeSpan.FromHours(1))
            yield return new ValidationResult("StateLifetime must be more than zero and at most one hour.", [nameof(StateLifetime)]);
        if (PendingLifetime <= TimeSpan.Zero || PendingLifetime > TimeSpan.FromHours(1))
            yield return new ValidationResult("PendingLifetime must be more than zero and at most one hour.", [nameof(PendingLifetime)]);
        if (CallbackBaseUri is { } uri && (!uri.IsAbsoluteUri || uri.Scheme is not ("http" or "https")))
            yield return new ValidationResult("CallbackBaseUri must be an absolute http(s) address.", [nameof(CallbackBaseUri)]);
    }
}
