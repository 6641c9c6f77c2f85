using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace ContactSync.Sandbox.Tests.Google;

public sealed class GoogleOAuthTests(GoogleSandboxFixture sandbox) : IClassFixture<GoogleSandboxFixture>
{
    private const string Redirect = "http://127.0.0.1:9/callback";

    private async Task<string> AuthorizeAsync(string email, string state = "xyz", string extra = "")
    {
        using var response = await sandbox.Http.GetAsync(
            $"o/oauth2/v2/auth?client_id=client-1&redirect_uri={Uri.EscapeDataString(Redirect)}&response_type=code&scope=contacts&state={state}&login_hint={Uri.EscapeDataString(email)}{extra}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(Redirect + "?", location.ToString());
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal(state, query["state"].ToString());
        return query["code"].ToString();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(params (string Key, string Value)[] form)
    {
        using var response = await sandbox.Http.PostAsync("token", new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Key, f.Value))));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> ExchangeAsync(string code, string? verifier = null) => TokenAsync(
        [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Redirect), ("client_id", "client-1"), ("client_secret", "s"),
         .. verifier is null ? [] : new[] { ("code_verifier", verifier) }]);

    // RFC 7636, appendix B.
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private const string S256Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    [Fact]
    public async Task A_code_issued_for_an_S256_challenge_needs_the_verifier_it_was_made_from()
    {
        var email = $"pkce-{Guid.NewGuid():N}@example.com";
        var pkce = $"&code_challenge={S256Challenge}&code_challenge_method=S256";

        var (missingStatus, missing) = await ExchangeAsync(await AuthorizeAsync(email, extra: pkce));
        var (wrongStatus, wrong) = await ExchangeAsync(await AuthorizeAsync(email, extra: pkce), Verifier.Replace('d', 'e'));
        var (plainStatus, plain) = await ExchangeAsync(await AuthorizeAsync(email, extra: pkce), S256Challenge);
        var code = await AuthorizeAsync(email, extra: pkce);
        var (status, body) = await ExchangeAsync(code, Verifier);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant", "Missing code verifier."),
            (missingStatus, missing.GetProperty("error").GetString(), missing.GetProperty("error_description").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant", "Invalid code verifier."),
            (wrongStatus, wrong.GetProperty("error").GetString(), wrong.GetProperty("error_description").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (plainStatus, plain.GetProperty("error").GetString()));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refresh_token").GetString()));
        // A refused exchange spends the code, as at Google: the right verifier does not revive it.
        Assert.Equal(HttpStatusCode.BadRequest, (await ExchangeAsync(code, Verifier)).Status);
    }

    [Fact]
    public async Task A_challenge_without_a_method_is_plain_and_an_unknown_method_is_refused()
    {
        var email = $"pkce-{Guid.NewGuid():N}@example.com";
        Assert.Equal(HttpStatusCode.OK, (await ExchangeAsync(await AuthorizeAsync(email, extra: $"&code_challenge={Verifier}"), Verifier)).Status);

        using var refused = await sandbox.Http.GetAsync(
            $"o/oauth2/v2/auth?client_id=c&redirect_uri={Uri.EscapeDataString(Redirect)}&response_type=code&login_hint={email}&code_challenge={S256Challenge}&code_challenge_method=S512");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("code_challenge_method", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Authorize_approves_the_login_hint_at_once_and_the_code_yields_tokens_for_that_account()
    {
        var email = $"oauth-{Guid.NewGuid():N}@example.com";
        var (status, body) = await ExchangeAsync(await AuthorizeAsync(email, "state-1"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("ya29.", body.GetProperty("access_token").GetString());
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt32());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refresh_token").GetString()));
        var payload = body.GetProperty("id_token").GetString()!.Split('.')[1].Replace('-', '+').Replace('_', '/');
        var claims = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '='))));
        Assert.Equal(email, claims.RootElement.GetProperty("email").GetString());

        using var api = sandbox.Client(body.GetProperty("access_token").GetString());
        var (infoStatus, info) = await api.GetJsonAsync("oauth2/v3/userinfo");
        Assert.Equal(HttpStatusCode.OK, infoStatus);
        Assert.Equal(email, info.GetProperty("email").GetString());
    }

    [Fact]
    public async Task A_code_can_be_redeemed_only_once()
    {
        var code = await AuthorizeAsync($"once-{Guid.NewGuid():N}@example.com");
        Assert.Equal(HttpStatusCode.OK, (await ExchangeAsync(code)).Status);

        var (status, body) = await ExchangeAsync(code);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_refresh_token_gives_new_access_tokens_until_it_is_revoked_then_invalid_grant()
    {
        var (_, tokens) = await ExchangeAsync(await AuthorizeAsync($"refresh-{Guid.NewGuid():N}@example.com"));
        var refresh = tokens.GetProperty("refresh_token").GetString()!;
        var (status, refreshed) = await TokenAsync(("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "client-1"), ("client_secret", "s"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEqual(tokens.GetProperty("access_token").GetString(), refreshed.GetProperty("access_token").GetString());
        Assert.False(refreshed.TryGetProperty("refresh_token", out _));

        using var revoke = await sandbox.Http.PostAsync("revoke", new FormUrlEncodedContent([KeyValuePair.Create("token", refresh)]));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        var (afterStatus, after) = await TokenAsync(("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "client-1"), ("client_secret", "s"));
        Assert.Equal(HttpStatusCode.BadRequest, afterStatus);
        Assert.Equal("invalid_grant", after.GetProperty("error").GetString());
        using var api = sandbox.Client(refreshed.GetProperty("access_token").GetString());
        var (apiStatus, apiBody) = await api.GetJsonAsync("v1/people/me/connections?personFields=names");
        GoogleApi.AssertGoogleError(apiStatus, apiBody, 401, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task The_control_hook_revokes_every_grant_of_an_account()
    {
        var email = $"hook-{Guid.NewGuid():N}@example.com";
        var (_, tokens) = await ExchangeAsync(await AuthorizeAsync(email));

        var (status, body) = await sandbox.Http.PostJsonAsync($"_sandbox/google/accounts/{Uri.EscapeDataString(email)}/revoke", new { });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("revoked").GetInt32());
        var (refreshStatus, refreshBody) = await TokenAsync(("grant_type", "refresh_token"), ("refresh_token", tokens.GetProperty("refresh_token").GetString()!), ("client_id", "client-1"));
        Assert.Equal(HttpStatusCode.BadRequest, refreshStatus);
        Assert.Equal("invalid_grant", refreshBody.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-token")]
    public async Task Api_calls_without_a_valid_bearer_token_get_401_in_Google_format(string? token)
    {
        using var client = sandbox.Client(token);
        var (status, body) = await client.GetJsonAsync("v1/people/me/connections?personFields=names");

        GoogleApi.AssertGoogleError(status, body, 401, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task Authorize_without_login_hint_is_refused()
    {
        using var response = await sandbox.Http.GetAsync($"o/oauth2/v2/auth?client_id=c&redirect_uri={Uri.EscapeDataString(Redirect)}&response_type=code");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("login_hint", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_grant_types_are_refused()
    {
        var (status, body) = await TokenAsync(("grant_type", "password"), ("client_id", "client-1"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unsupported_grant_type", body.GetProperty("error").GetString());
    }
}
