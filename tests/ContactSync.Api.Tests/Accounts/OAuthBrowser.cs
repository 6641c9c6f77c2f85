using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ContactSync.Api.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;

namespace ContactSync.Api.Tests.Accounts;

/// <summary>
/// Drives the connect flow as a browser does: the API's connect (with the user's key, as a front end would call it)
/// answers 302 to the sandbox's consent page, which answers 302 back to the API's callback (no key: a browser
/// following the provider's redirect), which answers 302 to the return address. Redirects are followed by hand.
/// The browser keeps its cookies (its own jar): the connect's cookie comes back on the callback, as in a real one.
/// </summary>
public sealed class OAuthBrowser(ApiFixture api, Uri? apiAddress = null) : IDisposable
{
    private readonly SocketsHttpHandler _handler = new() { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
    private HttpClient? _client;

    private HttpClient Browser => _client ??= new HttpClient(_handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(30) };

    public Uri ApiAddress { get; } = apiAddress ?? api.ApiAddress;

    /// <summary>The connect step alone: returns the consent address (the connect's cookie is in this browser now).</summary>
    public async Task<Uri> StartAsync(string key, string provider, string email, string? returnUrl = null)
    {
        var connect = $"/api/accounts/{provider}/connect?loginHint={Uri.EscapeDataString(email)}" +
                      (returnUrl is null ? "" : $"&returnUrl={Uri.EscapeDataString(returnUrl)}");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ApiAddress, connect));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var started = await Browser.SendAsync(request);
        Assert.True(started.StatusCode == HttpStatusCode.Redirect, $"connect: {(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}");
        var consent = started.Headers.Location!;
        Assert.StartsWith(api.SandboxAddress.ToString(), consent.ToString());
        Assert.False(string.IsNullOrEmpty(QueryHelpers.ParseQuery(consent.Query)["state"]), "The consent address carries a state.");
        return consent;
    }

    /// <summary>The connect step as a front end calls it (Accept: application/json): the consent address and the connect's id.</summary>
    public async Task<(Uri Consent, Guid ConnectId)> StartForJsonAsync(string key, string provider, string email)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ApiAddress, $"/api/accounts/{provider}/connect?loginHint={Uri.EscapeDataString(email)}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var body = await TestApi.ReadAsync(await Browser.SendAsync(request), HttpStatusCode.OK);
        return (new Uri(body.GetProperty("authorizeUrl").GetString()!), body.GetProperty("connectId").GetGuid());
    }

    /// <summary>Connect and consent; returns the callback address the provider sent the browser to (not yet followed).</summary>
    public async Task<Uri> ConsentAsync(string key, string provider, string email, string? returnUrl = null) =>
        await ApproveAsync(await StartAsync(key, provider, email, returnUrl));

    /// <summary>Opens a consent address (the sandbox approves at once); returns where the provider sends the browser.</summary>
    public async Task<Uri> ApproveAsync(Uri consent)
    {
        var provider = consent.AbsolutePath.Contains("/oauth2/v2.0/", StringComparison.Ordinal) ? "microsoft" : "google";
        using var approved = await Browser.GetAsync(consent);
        Assert.True(approved.StatusCode == HttpStatusCode.Redirect, $"consent: {(int)approved.StatusCode} {await approved.Content.ReadAsStringAsync()}");
        var callback = approved.Headers.Location!;
        Assert.StartsWith(new Uri(ApiAddress, $"/api/accounts/{provider}/callback").ToString(), callback.ToString());
        return callback;
    }

    /// <summary>Follows the provider's redirect to the API's callback, with no API key.</summary>
    public Task<HttpResponseMessage> CallbackAsync(Uri callback) => Browser.GetAsync(callback);

    /// <summary>The whole round trip; returns where the callback sent the browser.</summary>
    public async Task<string> ConnectAsync(string key, string provider, string email, string? returnUrl = null)
    {
        var callback = await ConsentAsync(key, provider, email, returnUrl);
        using var done = await CallbackAsync(callback);
        Assert.True(done.StatusCode == HttpStatusCode.Redirect, $"callback: {(int)done.StatusCode} {await done.Content.ReadAsStringAsync()}");
        return done.Headers.Location!.OriginalString;
    }

    /// <summary>The cookies this browser holds for an address (the connect's are on the callback path).</summary>
    public CookieCollection CookiesFor(Uri address) => _handler.CookieContainer.GetCookies(address);

    public void SetCookie(Uri address, string name, string value) =>
        _handler.CookieContainer.Add(new Cookie(name, value, address.AbsolutePath, address.Host));

    public void Dispose()
    {
        _client?.Dispose();
        _handler.Dispose();
    }

    public static async Task<JsonElement[]> AccountsAsync(HttpClient user)
    {
        var body = await TestApi.ReadAsync(await user.GetAsync("/api/accounts"), HttpStatusCode.OK);
        return [.. body.GetProperty("items").EnumerateArray()];
    }

    public static async Task<JsonElement> SingleAccountAsync(HttpClient user, string email) =>
        Assert.Single(await AccountsAsync(user), a => string.Equals(a.GetProperty("email").GetString(), email, StringComparison.OrdinalIgnoreCase));

    /// <summary>Where every write shows: the count and head of the log, and the checksum of every read model.</summary>
    public static async Task<string> SnapshotAsync(ApiFixture api)
    {
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var cmd = db.CreateCommand("""
            SELECT (SELECT count(*) || ':' || coalesce(max(global_position), 0) FROM es.events) || ' ' ||
                   (SELECT string_agg(name || '=' || coalesce(rm.projection_checksum(name), '-'), ',' ORDER BY name) FROM rm.projections)
            """);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    public static string Email(string provider) => $"acct-{Guid.NewGuid():N}@{(provider == "google" ? "gmail.test" : "outlook.test")}";
}
