using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ContactSync.Api.Tests.Support;
using ContactSync.Sandbox.Google;
using ContactSync.Sandbox.Graph.OAuth;
using ContactSync.Sandbox.Graph.Store;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Accounts;

/// <summary>
/// The callback attaches an account only in the browser that started the connect (its cookie). A consent address
/// opened elsewhere (sent to somebody else) attaches nothing: the grant waits, and only the starter, with their own
/// key and the code the other browser was shown, can attach it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class BrowserBindingTests(ApiFixture api) : IDisposable
{
    private readonly OAuthBrowser _starter = new(api);
    private readonly OAuthBrowser _other = new(api);

    public void Dispose()
    {
        _starter.Dispose();
        _other.Dispose();
    }

    [Fact]
    public async Task Connect_sets_an_http_only_lax_cookie_per_flow_on_the_callback_path_and_keeps_only_its_hash()
    {
        var t = await api.NewTenantAsync();

        var (first, firstId, firstCookie) = await ConnectJsonAsync(t, "google");
        var (_, secondId, secondCookie) = await ConnectJsonAsync(t, "google");

        Assert.NotEqual(firstId, secondId);
        foreach (var (cookie, id) in new[] { (firstCookie, firstId), (secondCookie, secondId) })
        {
            var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
            Assert.StartsWith($"contactsync-connect-{id:N}=", cookie);
            Assert.Contains("httponly", attributes);
            Assert.Contains("samesite=lax", attributes);
            Assert.Contains("path=/api/accounts/google/callback", attributes);
            Assert.Contains("max-age=600", attributes);
            Assert.DoesNotContain("secure", attributes);   // plain http here; over https the cookie is Secure
        }
        var nonce = firstCookie.Split(';')[0].Split('=', 2)[1];
        Assert.True(nonce.Length >= 43, "The nonce carries at least 256 random bits.");
        var state = QueryHelpers.ParseQuery(first.Query)["state"].ToString();
        var binding = await StreamDataAsync($"OAuthState-{Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(state)))}");
        Assert.DoesNotContain(nonce, binding);
        Assert.Contains(Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(nonce))).TrimEnd('=').Replace('+', '-').Replace('/', '_'), binding);
    }

    [Theory]
    [InlineData("google")]
    [InlineData("microsoft")]
    public async Task The_browser_that_started_the_connect_gets_the_account_and_loses_the_cookie(string provider)
    {
        var t = await api.NewTenantAsync();
        var email = OAuthBrowser.Email(provider);
        var callback = await _starter.ConsentAsync(t.AdminKey, provider, email);
        Assert.Single(_starter.CookiesFor(callback), c => c.Name.StartsWith("contactsync-connect-", StringComparison.Ordinal));

        using var done = await _starter.CallbackAsync(callback);

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("active", (await OAuthBrowser.SingleAccountAsync(t.Admin, email)).GetProperty("status").GetString());
        Assert.DoesNotContain(_starter.CookiesFor(callback), c => c.Name.StartsWith("contactsync-connect-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_connects_in_one_browser_do_not_clash()
    {
        var t = await api.NewTenantAsync();
        var (a, b) = (OAuthBrowser.Email("google"), OAuthBrowser.Email("microsoft"));
        var first = await _starter.ConsentAsync(t.AdminKey, "google", a);
        var second = await _starter.ConsentAsync(t.AdminKey, "microsoft", b);

        using (var done = await _starter.CallbackAsync(second)) Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        using (var done = await _starter.CallbackAsync(first)) Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);

        await OAuthBrowser.SingleAccountAsync(t.Admin, a);
        await OAuthBrowser.SingleAccountAsync(t.Admin, b);
    }

    [Theory]
    [InlineData("google", false)]
    [InlineData("microsoft", false)]
    [InlineData("google", true)]
    public async Task A_consent_finished_in_another_browser_attaches_nothing_until_the_starter_confirms_its_code(string provider, bool forgedCookie)
    {
        var t = await api.NewTenantAsync();
        var email = OAuthBrowser.Email(provider);
        var (consent, connectId) = await _starter.StartForJsonAsync(t.AdminKey, provider, email);
        var callback = await _other.ApproveAsync(consent);
        // A cookie of the right name but a made-up value is no better than none.
        if (forgedCookie) _other.SetCookie(callback, $"contactsync-connect-{connectId:N}", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var head = await HeadAsync();

        using var page = await _other.CallbackAsync(callback);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", page.Headers.CacheControl?.ToString());
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("finished in a different browser", html);
        Assert.Contains("not</strong> attached", html);
        Assert.Contains("do not give them this code", html);
        Assert.Contains(email, html);
        var (code, shownId) = CodeOf(html);
        Assert.Equal(connectId, shownId);
        Assert.Empty(await OAuthBrowser.AccountsAsync(t.Admin));
        Assert.Empty(await AccountEventsSinceAsync(head));
        foreach (var token in RefreshTokensOf(provider, email)) Assert.DoesNotContain(token, await StreamDataAsync($"PendingGrant-{connectId:N}"));

        using var confirmed = await ConfirmAsync(t.Admin, connectId, code.ToLowerInvariant().Replace("-", " "));

        var account = await ReadAsync(confirmed, HttpStatusCode.OK);
        Assert.Equal((provider, email, "active"), (account.GetProperty("provider").GetString(), account.GetProperty("email").GetString(), account.GetProperty("status").GetString()));
        var listed = await OAuthBrowser.SingleAccountAsync(t.Admin, email);
        Assert.Equal(account.GetProperty("id").GetString(), listed.GetProperty("id").GetString());
        await ReadAsync(await t.Admin.GetAsync($"/api/accounts/{listed.GetProperty("id").GetString()}/groups"), HttpStatusCode.OK);
        // Spent: the same code attaches nothing twice.
        var again = await ProblemAsync(await ConfirmAsync(t.Admin, connectId, code), HttpStatusCode.Conflict);
        Assert.Equal("account.pending-used", again.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Only_the_starter_with_the_right_code_can_confirm_and_three_wrong_codes_discard_the_sign_in()
    {
        var t = await api.NewTenantAsync();
        var colleague = await api.NewUserAsync(t);
        var stranger = await api.NewTenantAsync();
        var email = OAuthBrowser.Email("google");
        var (connectId, code) = await PendingAsync(_starter, t.AdminKey, "google", email);
        var wrong = code == "ABCD-EFGH" ? "HGFE-DCBA" : "ABCD-EFGH";
        var head = await HeadAsync();

        // Another user of the tenant, another tenant's admin, the operator: not theirs, and not counted against it.
        await ProblemAsync(await ConfirmAsync(colleague.Client, connectId, code), HttpStatusCode.NotFound);
        await ProblemAsync(await ConfirmAsync(stranger.Admin, connectId, code), HttpStatusCode.NotFound);
        await ProblemAsync(await ConfirmAsync(api.Operator, connectId, code), HttpStatusCode.Forbidden);
        await ProblemAsync(await ConfirmAsync(api.Anonymous, connectId, code), HttpStatusCode.Unauthorized);
        await ProblemAsync(await ConfirmAsync(t.Admin, Guid.NewGuid(), code), HttpStatusCode.NotFound);
        // Not a code at all: not counted either.
        string[] notCodes = ["""{"code":"12"}""", """{"code":7}""", "{}", "[]", """{"code":"IIII-OOOO"}"""];
        foreach (var body in notCodes)
            await ValidationAsync(await t.Admin.PostAsync($"/api/accounts/pending/{connectId}/confirm", new StringContent(body, Encoding.UTF8, "application/json")), "code");

        var first = await ValidationAsync(await ConfirmAsync(t.Admin, connectId, wrong), "code");
        var second = await ValidationAsync(await ConfirmAsync(t.Admin, connectId, wrong), "code");
        var third = await ValidationAsync(await ConfirmAsync(t.Admin, connectId, wrong), "code");
        var late = await ProblemAsync(await ConfirmAsync(t.Admin, connectId, code), HttpStatusCode.Gone);

        Assert.Contains("2 attempt(s) left", first.GetProperty("errors").GetProperty("code")[0].GetString());
        Assert.Contains("1 attempt(s) left", second.GetProperty("errors").GetProperty("code")[0].GetString());
        Assert.Contains("last attempt", third.GetProperty("errors").GetProperty("code")[0].GetString());
        Assert.Equal("account.pending-discarded", late.GetProperty("code").GetString());
        Assert.Empty(await OAuthBrowser.AccountsAsync(t.Admin));
        Assert.Empty(await OAuthBrowser.AccountsAsync(colleague.Client));
        Assert.Empty(await OAuthBrowser.AccountsAsync(stranger.Admin));
        Assert.Empty(await AccountEventsSinceAsync(head));
    }

    [Fact]
    public async Task An_expired_pending_sign_in_cannot_be_confirmed()
    {
        var address = await api.StartApiAsync(new() { ["ContactSync:Accounts:PendingLifetime"] = "00:00:00.001" });
        using var starter = new OAuthBrowser(api, address);
        var t = await api.NewTenantAsync();
        var client = api.Client(address, t.AdminKey);
        var (connectId, code) = await PendingAsync(starter, t.AdminKey, "microsoft", OAuthBrowser.Email("microsoft"), address);

        var refused = await ProblemAsync(await ConfirmAsync(client, connectId, code), HttpStatusCode.Gone);

        Assert.Equal("account.pending-expired", refused.GetProperty("code").GetString());
        Assert.Empty(await OAuthBrowser.AccountsAsync(client));
    }

    /// <summary>A sign-in started by <paramref name="starter"/> and finished in another browser: its connect id and code.</summary>
    private async Task<(Guid ConnectId, string Code)> PendingAsync(OAuthBrowser starter, string key, string provider, string email, Uri? address = null)
    {
        using var other = new OAuthBrowser(api, address);
        var (consent, connectId) = await starter.StartForJsonAsync(key, provider, email);
        using var page = await other.CallbackAsync(await other.ApproveAsync(consent));
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        return (connectId, CodeOf(html).Code);
    }

    private async Task<(Uri Consent, Guid ConnectId, string SetCookie)> ConnectJsonAsync(TenantHandle t, string provider)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/accounts/{provider}/connect?loginHint=a%40gmail.test");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var res = await t.Admin.SendAsync(request);
        var body = await ReadAsync(res, HttpStatusCode.OK);
        return (new Uri(body.GetProperty("authorizeUrl").GetString()!), body.GetProperty("connectId").GetGuid(), res.Headers.GetValues("Set-Cookie").Single());
    }

    private static Task<HttpResponseMessage> ConfirmAsync(HttpClient client, Guid connectId, string code) =>
        client.PostAsJsonAsync($"/api/accounts/pending/{connectId}/confirm", new { code });

    private static (string Code, Guid ConnectId) CodeOf(string html) =>
        (CodePattern().Match(html).Groups[1].Value, Guid.Parse(ConnectIdPattern().Match(html).Groups[1].Value));

    [GeneratedRegex("""id="confirmation-code">([A-Z0-9]{4}-[A-Z0-9]{4})<""")]
    private static partial Regex CodePattern();

    [GeneratedRegex("""id="connect-id">([0-9a-f-]{36})<""")]
    private static partial Regex ConnectIdPattern();

    private IEnumerable<string> RefreshTokensOf(string provider, string email) => provider == "google"
        ? api.SandboxServices.GetRequiredService<GoogleSandbox>().Tokens.RefreshTokensOf(email)
        : api.SandboxServices.GetRequiredService<TokenStore>().RefreshTokensOf(api.SandboxServices.GetRequiredService<GraphStore>().Find(email)!);

    private async Task<long> HeadAsync()
    {
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        return (long)(await db.CreateCommand("SELECT coalesce(max(global_position), 0) FROM es.events").ExecuteScalarAsync())!;
    }

    /// <summary>Account events (connections, reservations, renewals) written since <paramref name="head"/>: the tests of this
    /// collection run one at a time, so any is this test's.</summary>
    private async Task<string[]> AccountEventsSinceAsync(long head)
    {
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var cmd = db.CreateCommand("SELECT event_type FROM es.events WHERE global_position > $1 AND event_type LIKE 'Account%' ORDER BY global_position");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = head });
        var types = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) types.Add(r.GetString(0));
        return [.. types];
    }

    private async Task<string> StreamDataAsync(string stream)
    {
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var cmd = db.CreateCommand("""
            SELECT coalesce(string_agg(e.data::text, ' ' ORDER BY e.stream_revision), '') FROM es.events e JOIN es.streams s ON s.stream_id = e.stream_id
             WHERE s.stream_name = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
        var text = (string)(await cmd.ExecuteScalarAsync())!;
        Assert.False(string.IsNullOrEmpty(text), $"The stream {stream} has events.");
        return text;
    }
}
