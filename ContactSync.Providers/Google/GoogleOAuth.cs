using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Flows;
using Google.Apis.Auth.OAuth2.Requests;
using Google.Apis.Auth.OAuth2.Responses;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContactSync.Providers.Google;

/// <summary>
/// Google's OAuth 2.0 authorization-code flow through Google.Apis.Auth, with every endpoint taken from
/// <see cref="GoogleProviderOptions"/>. Also turns a stored refresh token into the credential the People
/// service uses.
/// </summary>
public sealed class GoogleOAuth : IProviderAuthorization
{
    public const string ContactsScope = "https://www.googleapis.com/auth/contacts";
    private const string UserId = "contactsync";

    private readonly GoogleProviderOptions _options;
    // The PKCE flavour of Google's flow: the same requests, and a code exchange that can carry the verifier.
    private readonly PkceGoogleAuthorizationCodeFlow _flow;
    // Only used when a token answer lacks an id_token; one client for the process, as HttpClient is meant to be used.
    private static readonly HttpClient UserInfoClient = new();

    public GoogleOAuth(GoogleProviderOptions options, ILogger? logger = null)
    {
        _options = options;
        Logger = logger ?? NullLogger.Instance;
        _flow = new PkceGoogleAuthorizationCodeFlow(new EndpointsInitializer(options)
        {
            ClientSecrets = new ClientSecrets { ClientId = options.ClientId, ClientSecret = options.ClientSecret },
            Scopes = [ContactsScope, "openid", "email"],
            HttpClientFactory = new RetryingHttpClientFactory(options, Logger),
        });
    }

    public ProviderKind Kind => ProviderKind.Google;

    public GoogleProviderOptions Options => _options;

    internal ILogger Logger { get; }

    public Uri BuildAuthorizeUri(string state, Uri redirectUri, string? loginHint, string? codeChallenge = null)
    {
        // The flow's own PKCE overload would make the verifier here; the caller makes it, to keep it with the state.
        var request = (GoogleAuthorizationCodeRequestUrl)_flow.CreateAuthorizationCodeRequest(redirectUri.ToString());
        request.State = state;
        request.LoginHint = loginHint;
        if (codeChallenge is not null)
        {
            request.CodeChallenge = codeChallenge;
            request.CodeChallengeMethod = Pkce.Method;
        }
        // Offline access with forced consent: Google returns a refresh token only then, also on a reconnect.
        request.AccessType = "offline";
        request.Prompt = "consent";
        request.IncludeGrantedScopes = "true";
        return request.Build();
    }

    public Task<ProviderGrant> ExchangeCodeAsync(string code, Uri redirectUri, CancellationToken ct) => ExchangeCodeAsync(code, redirectUri, null, ct);

    public async Task<ProviderGrant> ExchangeCodeAsync(string code, Uri redirectUri, string? codeVerifier, CancellationToken ct)
    {
        TokenResponse token;
        try
        {
            token = await _flow.ExchangeCodeForTokenAsync(UserId, code, codeVerifier, redirectUri.ToString(), ct);
        }
        catch (TokenResponseException e) when (e.Error?.Error == "invalid_grant")
        {
            throw new ReauthRequiredException("Google refused the authorization code; sign in again.", e);
        }
        if (string.IsNullOrEmpty(token.RefreshToken))
            throw new ReauthRequiredException("Google returned no refresh token; offline access was not granted.");
        var email = EmailFromIdToken(token.IdToken) ?? await EmailFromUserInfoAsync(token.AccessToken, ct);
        var expires = new DateTimeOffset(token.IssuedUtc, TimeSpan.Zero).AddSeconds(token.ExpiresInSeconds ?? 3600);
        return new ProviderGrant(email, token.AccessToken, token.RefreshToken, expires);
    }

    /// <summary>A credential that refreshes its access token from the stored refresh token as needed.</summary>
    public UserCredential Credential(string refreshToken) =>
        new(_flow, UserId, new TokenResponse { RefreshToken = refreshToken });

    /// <summary>The id_token comes straight from the token endpoint over TLS, so its signature need not be
    /// checked to read the e-mail (OpenID Connect Core 3.1.3.7).</summary>
    private static string? EmailFromIdToken(string? idToken)
    {
        var parts = idToken?.Split('.');
        if (parts is not { Length: 3 }) return null;
        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
        using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
        return document.RootElement.TryGetProperty("email", out var email) ? email.GetString() : null;
    }

    private async Task<string> EmailFromUserInfoAsync(string accessToken, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _options.UserInfoUri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await UserInfoClient.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return document.RootElement.GetProperty("email").GetString()
            ?? throw new ProviderUnavailableException("Google's userinfo answer has no e-mail.");
    }

    /// <summary>The initializer's endpoint constructor is protected: Google expects its own addresses unless a
    /// subclass says otherwise.</summary>
    private sealed class EndpointsInitializer(GoogleProviderOptions options)
        : GoogleAuthorizationCodeFlow.Initializer(options.AuthUri.ToString(), options.TokenUri.ToString(), options.RevokeUri.ToString());
}
