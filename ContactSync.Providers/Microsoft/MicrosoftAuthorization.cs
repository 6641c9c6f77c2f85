using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace ContactSync.Providers.Microsoft;

/// <summary>The OAuth 2.0 authorization-code flow against the Microsoft identity platform (v2.0 endpoints).
/// The account's address comes from <c>GET /me</c> (<c>mail</c>, else <c>userPrincipalName</c>).</summary>
public sealed class MicrosoftAuthorization(HttpClient http, MicrosoftProviderOptions options, TimeProvider? time = null) : IProviderAuthorization
{
    public ProviderKind Kind => ProviderKind.Microsoft;

    public Uri BuildAuthorizeUri(string state, Uri redirectUri, string? loginHint, string? codeChallenge = null)
    {
        var query = new Dictionary<string, string>
        {
            ["client_id"] = options.ClientId, ["response_type"] = "code", ["redirect_uri"] = redirectUri.ToString(),
            ["response_mode"] = "query", ["scope"] = options.Scopes, ["state"] = state,
        };
        if (!string.IsNullOrWhiteSpace(loginHint)) query["login_hint"] = loginHint;
        if (codeChallenge is not null)
        {
            query["code_challenge"] = codeChallenge;
            query["code_challenge_method"] = Pkce.Method;
        }
        var text = string.Join('&', query.Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value)}"));
        return new Uri($"{options.AuthorizeEndpoint}?{text}");
    }

    public Task<ProviderGrant> ExchangeCodeAsync(string code, Uri redirectUri, CancellationToken ct) => ExchangeCodeAsync(code, redirectUri, null, ct);

    public async Task<ProviderGrant> ExchangeCodeAsync(string code, Uri redirectUri, string? codeVerifier, CancellationToken ct)
    {
        var tokens = await new MicrosoftTokenClient(http, options, time).RedeemCodeAsync(code, redirectUri, codeVerifier, ct);
        if (tokens.RefreshToken is not { Length: > 0 } refresh)
            throw new ReauthRequiredException("Microsoft returned no refresh token; the offline_access scope was not granted.");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{options.GraphBaseUri.ToString().TrimEnd('/')}/me?$select=mail,userPrincipalName");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            throw new ProviderUnavailableException($"Microsoft Graph answered {(int)response.StatusCode} when reading the signed-in account.");
        var me = await response.Content.ReadFromJsonAsync<Me>(ct);
        var email = me?.Mail ?? me?.UserPrincipalName
                    ?? throw new ProviderUnavailableException("Microsoft Graph returned no address for the signed-in account.");
        return new ProviderGrant(email, tokens.AccessToken, refresh, tokens.ExpiresAt);
    }

    private sealed record Me(
        [property: JsonPropertyName("mail")] string? Mail,
        [property: JsonPropertyName("userPrincipalName")] string? UserPrincipalName);
}
