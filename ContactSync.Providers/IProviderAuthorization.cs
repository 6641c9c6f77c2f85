namespace ContactSync.Providers;

/// <summary>The OAuth 2.0 authorization-code flow of a provider: the consent URL and the code exchange.</summary>
public interface IProviderAuthorization
{
    ProviderKind Kind { get; }

    Uri BuildAuthorizeUri(string state, Uri redirectUri, string? loginHint);

    /// <summary>Exchanges an authorization code; returns the grant and the account's e-mail address.</summary>
    Task<ProviderGrant> ExchangeCodeAsync(string code, Uri redirectUri, CancellationToken ct);
}

/// <summary>Tokens of one provider account. The refresh token is the secret to store (encrypted).</summary>
public sealed record ProviderGrant(string Email, string AccessToken, string RefreshToken, DateTimeOffset AccessTokenExpiresAt);
