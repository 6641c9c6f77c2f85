using System.Net;
using System.Net.Http.Headers;
using ContactSync.Api.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Accounts;

/// <summary>The OAuth connect flow and the account endpoints, against the sandbox through the real client libraries.</summary>
[Collection(ApiCollection.Name)]
public sealed class AccountsApiTests(ApiFixture api) : IDisposable
{
    private readonly OAuthBrowser _browser = new(api);

    public void Dispose() => _browser.Dispose();

    [Theory]
    [InlineData("google")]
    [InlineData("microsoft")]
    public async Task The_consent_round_trip_stores_an_active_account_and_returns_to_the_default_address(string provider)
    {
        var t = await api.NewTenantAsync();
        var email = OAuthBrowser.Email(provider);

        var landed = await _browser.ConnectAsync(t.AdminKey, provider, email);

        Assert.Equal("/api/accounts", landed);
        var account = await OAuthBrowser.SingleAccountAsync(t.Admin, email);
        Assert.Equal(provider, account.GetProperty("provider").GetString());
        Assert.Equal("active", account.GetProperty("status").GetString());
        Assert.True(Guid.TryParse(account.GetProperty("id").GetString(), out _));
        var groups = await ReadAsync(await t.Admin.GetAsync($"/api/accounts/{account.GetProperty("id").GetString()}/groups"), HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, groups.GetProperty("items").ValueKind);
    }

    [Fact]
    public async Task Connect_answers_the_consent_address_as_json_when_asked()
    {
        var t = await api.NewTenantAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/accounts/google/connect?loginHint=a%40gmail.test");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var body = await ReadAsync(await t.Admin.SendAsync(request), HttpStatusCode.OK);
        var authorize = new Uri(body.GetProperty("authorizeUrl").GetString()!);
        Assert.StartsWith(api.SandboxAddress.ToString(), authorize.ToString());
        var query = QueryHelpers.ParseQuery(authorize.Query);
        Assert.Equal("a@gmail.test", query["login_hint"]);
        Assert.Equal(new Uri(api.ApiAddress, "/api/accounts/google/callback").ToString(), query["redirect_uri"]);
        Assert.True(query["state"].ToString().Length >= 43, "The state carries at least 256 random bits.");
        Assert.Equal(("S256", 43), (query["code_challenge_method"].ToString(), query["code_challenge"].ToString().Length));
        Assert.False(query.ContainsKey("code_verifier"));
    }

    [Theory]
    [InlineData("google", "token")]
    [InlineData("microsoft", "common/oauth2/v2.0/token")]
    public async Task The_code_the_provider_sends_back_is_useless_without_the_verifier_the_api_keeps(string provider, string tokenPath)
    {
        var t = await api.NewTenantAsync();
        var callback = await _browser.ConsentAsync(t.AdminKey, provider, OAuthBrowser.Email(provider));
        var query = QueryHelpers.ParseQuery(callback.Query);
        using var sandbox = new HttpClient { BaseAddress = api.SandboxAddress };

        // Whoever intercepts the redirect has the code and the redirect address, but not the PKCE verifier.
        using var stolen = await sandbox.PostAsync(tokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = query["code"].ToString(), ["client_id"] = "contactsync-sandbox",
            ["client_secret"] = "sandbox-secret", ["redirect_uri"] = new Uri(api.ApiAddress, $"/api/accounts/{provider}/callback").ToString(),
        }));

        Assert.Equal(HttpStatusCode.BadRequest, stolen.StatusCode);
        Assert.Contains("invalid_grant", await stolen.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("google")]
    [InlineData("microsoft")]
    public async Task Reconnecting_the_same_email_renews_the_account_instead_of_adding_a_second(string provider)
    {
        var t = await api.NewTenantAsync();
        var email = OAuthBrowser.Email(provider);
        await _browser.ConnectAsync(t.AdminKey, provider, email);
        var first = await OAuthBrowser.SingleAccountAsync(t.Admin, email);

        await _browser.ConnectAsync(t.AdminKey, provider, email.ToUpperInvariant());

        var again = await OAuthBrowser.SingleAccountAsync(t.Admin, email);
        Assert.Equal(first.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        Assert.Single(await OAuthBrowser.AccountsAsync(t.Admin));
    }

    [Fact]
    public async Task Concurrent_callbacks_for_one_email_end_on_one_account()
    {
        var t = await api.NewTenantAsync();
        var email = OAuthBrowser.Email("google");
        var callbacks = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _browser.ConsentAsync(t.AdminKey, "google", email)));

        var answers = await Task.WhenAll(callbacks.Select(_browser.CallbackAsync));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Redirect, a.StatusCode));
        Assert.Single(await OAuthBrowser.AccountsAsync(t.Admin));
    }

    [Fact]
    public async Task A_tampered_state_is_refused_and_nothing_is_stored()
    {
        var t = await api.NewTenantAsync();
        var callback = await _browser.ConsentAsync(t.AdminKey, "google", OAuthBrowser.Email("google"));
        var query = QueryHelpers.ParseQuery(callback.Query);
        var state = query["state"].ToString();
        var tampered = (state[0] == 'A' ? "B" : "A") + state[1..];
        var before = await OAuthBrowser.SnapshotAsync(api);

        using var res = await _browser.CallbackAsync(new Uri(api.ApiAddress, $"/api/accounts/google/callback?code={Uri.EscapeDataString(query["code"]!)}&state={tampered}"));

        var problem = await ProblemAsync(res, HttpStatusCode.BadRequest);
        Assert.Equal("account.state-invalid", problem.GetProperty("code").GetString());
        Assert.Equal(before, await OAuthBrowser.SnapshotAsync(api));
        Assert.Empty(await OAuthBrowser.AccountsAsync(t.Admin));
    }

    [Fact]
    public async Task A_state_is_single_use()
    {
        var t = await api.NewTenantAsync();
        var callback = await _browser.ConsentAsync(t.AdminKey, "microsoft", OAuthBrowser.Email("microsoft"));
        using (var first = await _browser.CallbackAsync(callback)) Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var before = await OAuthBrowser.SnapshotAsync(api);

        using var replay = await _browser.CallbackAsync(callback);

        var problem = await ProblemAsync(replay, HttpStatusCode.BadRequest);
        Assert.Contains("used already", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await OAuthBrowser.SnapshotAsync(api));
        Assert.Single(await OAuthBrowser.AccountsAsync(t.Admin));
    }

    [Fact]
    public async Task An_expired_state_is_refused()
    {
        var shortLived = await api.StartApiAsync(new() { ["ContactSync:Accounts:StateLifetime"] = "00:00:00.001" });
        using var browser = new OAuthBrowser(api, shortLived);
        var t = await api.NewTenantAsync();
        var callback = await browser.ConsentAsync(t.AdminKey, "google", OAuthBrowser.Email("google"));

        using var res = await browser.CallbackAsync(callback);

        var problem = await ProblemAsync(res, HttpStatusCode.BadRequest);
        Assert.Contains("expired", problem.GetProperty("detail").GetString());
        Assert.Empty(await OAuthBrowser.AccountsAsync(t.Admin));
    }

    [Fact]
    public async Task A_state_issued_for_one_provider_is_refused_on_the_other_providers_callback()
    {
        var t = await api.NewTenantAsync();
        var callback = await _browser.ConsentAsync(t.AdminKey, "google", OAuthBrowser.Email("google"));

        using var res = await _browser.CallbackAsync(new Uri(callback.ToString().Replace("/google/callback", "/microsoft/callback")));

        await ProblemAsync(res, HttpStatusCode.BadRequest);
        Assert.Empty(await OAuthBrowser.AccountsAsync(t.Admin));
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example/steal")]
    [InlineData("/\\evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("http://user@evil.example/")]
    [InlineData("/ok\r\nLocation: https://evil.example")]
    [InlineData("evil.example")]
    public async Task A_return_address_off_the_allowed_origins_is_refused(string returnUrl)
    {
        var t = await api.NewTenantAsync();
        var before = await OAuthBrowser.SnapshotAsync(api);

        var res = await t.Admin.GetAsync($"/api/accounts/google/connect?loginHint=a%40gmail.test&returnUrl={Uri.EscapeDataString(returnUrl)}");

        await ValidationAsync(res, "returnUrl");
        Assert.Equal(before, await OAuthBrowser.SnapshotAsync(api));
    }

    [Fact]
    public async Task The_callback_returns_to_a_path_to_the_api_origin_or_to_a_configured_origin()
    {
        var t = await api.NewTenantAsync();
        Assert.Equal("/app/settings?tab=accounts", await _browser.ConnectAsync(t.AdminKey, "google", OAuthBrowser.Email("google"), "/app/settings?tab=accounts"));
        var own = new Uri(api.ApiAddress, "/done").ToString();
        Assert.Equal(own, await _browser.ConnectAsync(t.AdminKey, "microsoft", OAuthBrowser.Email("microsoft"), own));

        var configured = await api.StartApiAsync(new() { ["ContactSync:AllowedReturnOrigins:0"] = "https://crm.example" });
        using var browser = new OAuthBrowser(api, configured);
        Assert.Equal("https://crm.example/accounts", await browser.ConnectAsync(t.AdminKey, "google", OAuthBrowser.Email("google"), "https://crm.example/accounts"));
    }

    [Fact]
    public async Task A_declined_consent_returns_with_the_error_and_stores_nothing()
    {
        var t = await api.NewTenantAsync();
        var callback = await _browser.ConsentAsync(t.AdminKey, "google", OAuthBrowser.Email("google"), "/app");
        var state = QueryHelpers.ParseQuery(callback.Query)["state"].ToString();

        using var res = await _browser.CallbackAsync(new Uri(api.ApiAddress, $"/api/accounts/google/callback?error=access_denied&state={state}"));

        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        Assert.Equal("/app?error=access_denied", res.Headers.Location!.OriginalString);
        Assert.Empty(await OAuthBrowser.AccountsAsync(t.Admin));
        // The state is spent: the code that came with the consent cannot be used with it any more.
        await ProblemAsync(await _browser.CallbackAsync(callback), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Disconnecting_forgets_the_account_and_a_new_connect_makes_a_new_one()
    {
        var t = await api.NewTenantAsync();
        var email = OAuthBrowser.Email("microsoft");
        await _browser.ConnectAsync(t.AdminKey, "microsoft", email);
        var id = (await OAuthBrowser.SingleAccountAsync(t.Admin, email)).GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.NoContent, (await t.Admin.DeleteAsync($"/api/accounts/{id}")).StatusCode);

        Assert.Empty(await OAuthBrowser.AccountsAsync(t.Admin));
        await ProblemAsync(await t.Admin.GetAsync($"/api/accounts/{id}/groups"), HttpStatusCode.NotFound);
        await ProblemAsync(await t.Admin.DeleteAsync($"/api/accounts/{id}"), HttpStatusCode.NotFound);
        await _browser.ConnectAsync(t.AdminKey, "microsoft", email);
        var renewed = await OAuthBrowser.SingleAccountAsync(t.Admin, email);
        Assert.NotEqual(id, renewed.GetProperty("id").GetString());
        Assert.Equal("active", renewed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Another_users_or_another_tenants_account_is_not_found()
    {
        var t = await api.NewTenantAsync();
        var owner = await api.NewUserAsync(t);
        var colleague = await api.NewUserAsync(t);
        var stranger = await api.NewTenantAsync();
        var email = OAuthBrowser.Email("google");
        await _browser.ConnectAsync(owner.Key, "google", email);
        var id = (await OAuthBrowser.SingleAccountAsync(owner.Client, email)).GetProperty("id").GetString();

        foreach (var other in new[] { colleague.Client, t.Admin, stranger.Admin })
        {
            Assert.Empty(await OAuthBrowser.AccountsAsync(other));
            await ProblemAsync(await other.GetAsync($"/api/accounts/{id}/groups"), HttpStatusCode.NotFound);
            await ProblemAsync(await other.DeleteAsync($"/api/accounts/{id}"), HttpStatusCode.NotFound);
        }
        Assert.Equal("active", (await OAuthBrowser.SingleAccountAsync(owner.Client, email)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Hostile_input_on_the_account_endpoints_is_a_4xx_problem_and_changes_nothing()
    {
        var t = await api.NewTenantAsync();
        var validState = QueryHelpers.ParseQuery((await _browser.ConsentAsync(t.AdminKey, "google", OAuthBrowser.Email("google"))).Query)["state"].ToString();
        var unknownState = Convert.ToBase64String(new byte[32]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var before = await OAuthBrowser.SnapshotAsync(api);
        var anonymous = api.Anonymous;
        (HttpClient Client, string Url, HttpMethod Method, HttpStatusCode Status)[] cases =
        [
            (t.Admin, "/api/accounts/yahoo/connect", HttpMethod.Get, HttpStatusCode.NotFound),
            (t.Admin, "/api/accounts/GOOGLE/connect", HttpMethod.Get, HttpStatusCode.NotFound),
            (t.Admin, "/api/accounts/%20google/connect", HttpMethod.Get, HttpStatusCode.NotFound),
            (t.Admin, "/api/accounts/google/connect?loginHint=not-an-email", HttpMethod.Get, HttpStatusCode.UnprocessableEntity),
            (t.Admin, "/api/accounts/google/connect?loginHint=%E2%80%AEa%40b.test", HttpMethod.Get, HttpStatusCode.UnprocessableEntity),
            (t.Admin, "/api/accounts/google/connect?returnUrl=/" + new string('a', 3000), HttpMethod.Get, HttpStatusCode.UnprocessableEntity),
            (anonymous, "/api/accounts/google/connect", HttpMethod.Get, HttpStatusCode.Unauthorized),
            (api.Operator, "/api/accounts/google/connect", HttpMethod.Get, HttpStatusCode.Forbidden),
            (anonymous, "/api/accounts", HttpMethod.Get, HttpStatusCode.Unauthorized),
            (anonymous, "/api/accounts/google/callback", HttpMethod.Get, HttpStatusCode.BadRequest),
            (anonymous, "/api/accounts/google/callback?code=x&state=", HttpMethod.Get, HttpStatusCode.BadRequest),
            (anonymous, "/api/accounts/google/callback?code=x&state=%27%3B%20DROP%20TABLE%20es.events%3B--", HttpMethod.Get, HttpStatusCode.BadRequest),
            (anonymous, $"/api/accounts/google/callback?code=x&state={unknownState}", HttpMethod.Get, HttpStatusCode.BadRequest),
            (anonymous, $"/api/accounts/google/callback?code=x&state={new string('A', 2000)}", HttpMethod.Get, HttpStatusCode.BadRequest),
            (anonymous, $"/api/accounts/yahoo/callback?code=x&state={validState}", HttpMethod.Get, HttpStatusCode.NotFound),
            (anonymous, $"/api/accounts/microsoft/callback?code=x&state={validState}", HttpMethod.Get, HttpStatusCode.BadRequest),
            (t.Admin, "/api/accounts/not-a-guid/groups", HttpMethod.Get, HttpStatusCode.NotFound),
            (t.Admin, $"/api/accounts/{Guid.NewGuid()}/groups", HttpMethod.Get, HttpStatusCode.NotFound),
            (t.Admin, $"/api/accounts/{Guid.NewGuid()}", HttpMethod.Delete, HttpStatusCode.NotFound),
            (t.Admin, "/api/accounts/%27%20OR%201%3D1", HttpMethod.Delete, HttpStatusCode.NotFound),
            (anonymous, $"/api/accounts/{Guid.NewGuid()}", HttpMethod.Delete, HttpStatusCode.Unauthorized),
        ];
        foreach (var (client, url, method, status) in cases)
        {
            using var res = await client.SendAsync(new HttpRequestMessage(method, url));
            var text = await res.Content.ReadAsStringAsync();
            Assert.True(res.StatusCode == status, $"{method} {url[..Math.Min(url.Length, 100)]}: expected {(int)status}, got {(int)res.StatusCode} {text}");
            Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(before, await OAuthBrowser.SnapshotAsync(api));

        // A valid state with a code the provider never issued: refused by the provider, nothing stored.
        using var badCode = await anonymous.GetAsync($"/api/accounts/google/callback?code=forged&state={validState}");
        Assert.Equal("account.code-refused", (await ProblemAsync(badCode, HttpStatusCode.BadRequest)).GetProperty("code").GetString());
        Assert.Empty(await OAuthBrowser.AccountsAsync(t.Admin));
    }
}
