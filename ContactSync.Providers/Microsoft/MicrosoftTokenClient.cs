using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ContactSync.Providers.Microsoft;

/// <summary>The identity platform's token endpoint: authorization-code and refresh-token grants.</summary>
public sealed class MicrosoftTokenClient(HttpClient http, MicrosoftProviderOptions options, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public sealed record TokenResult(string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt);

    public Task<TokenResult> RedeemCodeAsync(string code, Uri redirectUri, CancellationToken ct) => RedeemCodeAsync(code, redirectUri, null, ct);

    /// <param name="codeVerifier">The PKCE verifier of the challenge the authorize request sent, or null.</param>
    public Task<TokenResult> RedeemCodeAsync(string code, Uri redirectUri, string? codeVerifier, CancellationToken ct)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirectUri.ToString(),
            ["scope"] = options.Scopes,
        };
        if (codeVerifier is not null) form["code_verifier"] = codeVerifier;
        return RequestAsync(form, ct);
    }

    public Task<TokenResult> RefreshAsync(string refreshToken, CancellationToken ct) =>
        RequestAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken, ["scope"] = options.Scopes }, ct);

    private async Task<TokenResult> RequestAsync(Dictionary<string, string> form, CancellationToken ct)
    {
        form["client_id"] = options.ClientId;
        form["client_secret"] = options.ClientSecret;
        for (var attempt = 0; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await http.PostAsync(options.TokenEndpoint, new FormUrlEncodedContent(form), ct);
            }
            catch (HttpRequestException) when (attempt < options.MaxRetries)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 << attempt), _time, ct);
                continue;
            }
            catch (HttpRequestException e)
            {
                throw new ProviderUnavailableException("The Microsoft token endpoint could not be reached.", e);
            }
            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    var ok = await response.Content.ReadFromJsonAsync<TokenResponse>(ct)
                             ?? throw new ProviderUnavailableException("The Microsoft token endpoint answered an empty body.");
                    return new TokenResult(ok.AccessToken, ok.RefreshToken, _time.GetUtcNow().AddSeconds(ok.ExpiresIn));
                }
                if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    if (attempt < options.MaxRetries)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(200 << attempt), _time, ct);
                        continue;
                    }
                    throw new ProviderUnavailableException($"The Microsoft token endpoint answered {(int)response.StatusCode}.");
                }
                var error = await ReadErrorAsync(response, ct);
                // invalid_grant: the code or refresh token is expired, revoked or already used; only a new
                // sign-in helps. Anything else (invalid_client, …) is a configuration error: surface it as-is.
                if (error?.Error == "invalid_grant" || error?.Error == "interaction_required")
                    throw new ReauthRequiredException($"Microsoft sign-in is needed again: {error.Description}");
                throw new HttpRequestException(
                    $"The Microsoft token endpoint refused the request: {error?.Error} {error?.Description}", null, response.StatusCode);
            }
        }
    }

    private static async Task<TokenError?> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<TokenError>(ct);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("refresh_token")] string? RefreshToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);

    private sealed record TokenError(
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? Description);
}
