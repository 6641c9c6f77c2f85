using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace ContactSync.Sandbox.Tests.Graph;

public sealed class GraphOAuthTests(GraphSandboxFixture sandbox) : IClassFixture<GraphSandboxFixture>
{
    private const string Redirect = "https://crm.example/callback";

    private async Task<(string Code, string State)> AuthorizeAsync(string email, string extra = "")
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = sandbox.BaseAddress };
        var state = Guid.NewGuid().ToString("N");
        using var response = await http.GetAsync(
            $"common/oauth2/v2.0/authorize?client_id=app&response_type=code&redirect_uri={Uri.EscapeDataString(Redirect)}&scope=offline_access&state={state}&login_hint={Uri.EscapeDataString(email)}{extra}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(Redirect + "?", location.ToString());
        var query = QueryHelpers.ParseQuery(location.Query);
        return (query["code"].ToString(), query["state"].ToString());
    }

    private async Task<(int Status, JsonObject Body)> TokenAsync(params (string Key, string Value)[] form)
    {
        using var response = await sandbox.Http.PostAsync("common/oauth2/v2.0/token",
            new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private async Task<int> MeStatusAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1.0/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await sandbox.Http.SendAsync(request);
        return (int)response.StatusCode;
    }

    [Fact]
    public async Task Authorize_approves_at_once_and_the_code_and_refresh_token_grants_issue_working_tokens()
    {
        var email = $"o-{Guid.NewGuid():N}@contoso.test";
        var (code, state) = await AuthorizeAsync(email);
        Assert.Equal(32, state.Length);

        var (status, tokens) = await TokenAsync(("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Redirect),
            ("client_id", "app"), ("client_secret", "s"));
        Assert.Equal(200, status);
        Assert.Equal("Bearer", tokens["token_type"]!.GetValue<string>());
        Assert.True(tokens["expires_in"]!.GetValue<int>() > 0);
        Assert.Equal(200, await MeStatusAsync(tokens["access_token"]!.GetValue<string>()));

        var (again, reuse) = await TokenAsync(("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Redirect),
            ("client_id", "app"), ("client_secret", "s"));
        Assert.Equal(400, again);
        Assert.Equal("invalid_grant", reuse["error"]!.GetValue<string>());
        Assert.StartsWith("AADSTS54005", reuse["error_description"]!.GetValue<string>());

        var (refreshed, fresh) = await TokenAsync(("grant_type", "refresh_token"), ("refresh_token", tokens["refresh_token"]!.GetValue<string>()),
            ("client_id", "app"), ("client_secret", "s"));
        Assert.Equal(200, refreshed);
        Assert.Equal(200, await MeStatusAsync(fresh["access_token"]!.GetValue<string>()));
    }

    // RFC 7636, appendix B.
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private const string S256Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    [Fact]
    public async Task A_code_issued_for_an_S256_challenge_needs_the_verifier_it_was_made_from()
    {
        var email = $"pkce-{Guid.NewGuid():N}@contoso.test";
        const string pkce = $"&code_challenge={S256Challenge}&code_challenge_method=S256";
        Task<(int Status, JsonObject Body)> Redeem(string code, string? verifier) => TokenAsync(
            [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Redirect), ("client_id", "app"), ("client_secret", "s"),
             .. verifier is null ? [] : new[] { ("code_verifier", verifier) }]);

        var (missingStatus, missing) = await Redeem((await AuthorizeAsync(email, pkce)).Code, null);
        var (wrongStatus, wrong) = await Redeem((await AuthorizeAsync(email, pkce)).Code, Verifier.Replace('d', 'e'));
        var (status, tokens) = await Redeem((await AuthorizeAsync(email, pkce)).Code, Verifier);

        Assert.Equal((400, "invalid_grant"), (missingStatus, missing["error"]!.GetValue<string>()));
        Assert.Equal((400, "invalid_grant"), (wrongStatus, wrong["error"]!.GetValue<string>()));
        Assert.StartsWith("AADSTS50148", wrong["error_description"]!.GetValue<string>());
        Assert.Equal(200, status);
        Assert.Equal(200, await MeStatusAsync(tokens["access_token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_unknown_code_challenge_method_is_refused_at_the_authorize_step()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = sandbox.BaseAddress };
        using var response = await http.GetAsync(
            $"common/oauth2/v2.0/authorize?client_id=app&response_type=code&redirect_uri={Uri.EscapeDataString(Redirect)}&login_hint=a%40contoso.test&code_challenge={S256Challenge}&code_challenge_method=S512");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("code_challenge_method", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Revoking_the_account_kills_its_refresh_and_access_tokens()
    {
        var email = $"r-{Guid.NewGuid():N}@contoso.test";
        var (code, _) = await AuthorizeAsync(email);
        var (_, tokens) = await TokenAsync(("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Redirect),
            ("client_id", "app"), ("client_secret", "s"));

        (await sandbox.Http.PostAsync($"_sandbox/microsoft/accounts/{email}/revoke", null)).EnsureSuccessStatusCode();

        var (status, error) = await TokenAsync(("grant_type", "refresh_token"), ("refresh_token", tokens["refresh_token"]!.GetValue<string>()),
            ("client_id", "app"), ("client_secret", "s"));
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", error["error"]!.GetValue<string>());
        Assert.Equal(50173, error["error_codes"]![0]!.GetValue<int>());
        Assert.Equal(401, await MeStatusAsync(tokens["access_token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Token_requests_without_client_credentials_or_with_unknown_grants_are_refused()
    {
        var (noClient, body) = await TokenAsync(("grant_type", "refresh_token"), ("refresh_token", "x"));
        Assert.Equal(400, noClient);
        Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
        var (noSecret, _) = await TokenAsync(("grant_type", "refresh_token"), ("refresh_token", "x"), ("client_id", "app"));
        Assert.Equal(401, noSecret);
        var (unknown, grant) = await TokenAsync(("grant_type", "refresh_token"), ("refresh_token", "made-up"), ("client_id", "app"), ("client_secret", "s"));
        Assert.Equal(400, unknown);
        Assert.Equal("invalid_grant", grant["error"]!.GetValue<string>());

        using var noHint = await sandbox.Http.GetAsync($"common/oauth2/v2.0/authorize?client_id=app&response_type=code&redirect_uri={Uri.EscapeDataString(Redirect)}");
        Assert.Equal(HttpStatusCode.BadRequest, noHint.StatusCode);
    }
}
