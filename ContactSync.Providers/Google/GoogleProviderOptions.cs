using System.ComponentModel.DataAnnotations;

namespace ContactSync.Providers.Google;

/// <summary>Google OAuth client and endpoints. Production uses Google's addresses; tests and demos point all
/// of them at the sandbox.</summary>
public sealed class GoogleProviderOptions
{
    public const string SectionName = "Providers:Google";

    [Required]
    public string ClientId { get; set; } = "";

    [Required]
    public string ClientSecret { get; set; } = "";

    /// <summary>People API root; must end with a slash because request paths are relative (<c>v1/…</c>).</summary>
    [Required]
    public Uri ApiBaseUri { get; set; } = new("https://people.googleapis.com/");

    [Required]
    public Uri AuthUri { get; set; } = new("https://accounts.google.com/o/oauth2/v2/auth");

    [Required]
    public Uri TokenUri { get; set; } = new("https://oauth2.googleapis.com/token");

    [Required]
    public Uri RevokeUri { get; set; } = new("https://oauth2.googleapis.com/revoke");

    /// <summary>Used only when a token response carries no id_token.</summary>
    [Required]
    public Uri UserInfoUri { get; set; } = new("https://openidconnect.googleapis.com/v1/userinfo");

    /// <summary>Attempts per request for throttling (429), 5xx and dropped connections, the first included.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>First back-off delay when the provider sends no Retry-After; doubles per attempt.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest wait the adapter accepts between attempts; a longer Retry-After ends the retries and
    /// surfaces as <see cref="ProviderThrottledException"/> so the engine can slow the connection down.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Builds an options instance for an API root that also serves Google's OAuth paths (the sandbox).</summary>
    public static GoogleProviderOptions ForRoot(Uri root, string clientId, string clientSecret) => new()
    {
        ClientId = clientId,
        ClientSecret = clientSecret,
        ApiBaseUri = root,
        AuthUri = new Uri(root, "o/oauth2/v2/auth"),
        TokenUri = new Uri(root, "token"),
        RevokeUri = new Uri(root, "o/oauth2/revoke"),
        UserInfoUri = new Uri(root, "oauth2/v3/userinfo"),
    };
}
