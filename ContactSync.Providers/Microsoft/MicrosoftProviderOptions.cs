using System.ComponentModel.DataAnnotations;

namespace ContactSync.Providers.Microsoft;

/// <summary>The app registration and endpoints used to reach Microsoft Graph (production defaults; the
/// sandbox only changes the two URIs).</summary>
public sealed class MicrosoftProviderOptions
{
    public const string SectionName = "Providers:Microsoft";

    [Required] public string ClientId { get; set; } = "";
    [Required] public string ClientSecret { get; set; } = "";
    [Required] public string Tenant { get; set; } = "common";

    /// <summary>Graph's version root; the SDK needs the version in it.</summary>
    [Required] public Uri GraphBaseUri { get; set; } = new("https://graph.microsoft.com/v1.0");

    [Required] public Uri AuthorityUri { get; set; } = new("https://login.microsoftonline.com/");

    public string Scopes { get; set; } = "offline_access User.Read Contacts.ReadWrite";

    /// <summary>Retries of one request on 429/503/504 (the SDK's retry handler honours Retry-After) and on
    /// dropped connections, before the adapter gives up with a typed exception.</summary>
    [Range(0, 10)] public int MaxRetries { get; set; } = 5;

    /// <summary>Attempts of the throttled or failed items of a JSON batch.</summary>
    [Range(1, 20)] public int MaxBatchAttempts { get; set; } = 8;

    /// <summary>Longest wait the adapter accepts between retries; a longer Retry-After ends the call with
    /// <see cref="ProviderThrottledException"/> so the sync engine can reschedule instead of blocking.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 1000)] public int DeltaPageSize { get; set; } = 100;

    public Uri TokenEndpoint => new(AuthorityUri, $"{Tenant}/oauth2/v2.0/token");
    public Uri AuthorizeEndpoint => new(AuthorityUri, $"{Tenant}/oauth2/v2.0/authorize");
}
