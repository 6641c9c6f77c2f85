namespace ContactSync.Providers;

/// <summary>The OAuth 2.0 authorization-code flow of a provider: the consent URL and the code exchange, with PKCE
/// (<see cref="Pkce"/>) when a challenge is given.</summary>
public interface IProviderAuthorization
{
    ProviderKind Kind { get; }

    /// <param name="codeChallenge">The S256 challenge of the verifier the exchange will send, or null for none.</param>
    Uri BuildAuthorizeUri(string state, Uri redirectUri, string? loginHint, string? codeChallenge = null);

    /// <summary>Exchanges an authorization code; returns the grant and the account's e-mail address.</summary>
    /// <param name="codeVerifier">The PKCE verifier whose challenge the authorize step sent, or null.</param>
    Task<ProviderGrant> ExchangeCodeAsync(string code, Uri redirectUri, string? codeVerifier, CancellationToken ct);

    /// <summary>The exchange of a code issued without a PKCE challenge.</summary>
    Task<ProviderGrant> ExchangeCodeAsync(string code, Uri redirectUri, CancellationToken ct) => ExchangeCodeAsync(code, redirectUri, null, ct);
}

/// <summary>Tokens of one provider account. The refresh token is the secret to store (encrypted).</summary>
public sealed record ProviderGrant(string Email, string AccessToken, string RefreshToken, DateTimeOffset AccessTokenExpiresAt);
