using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace ContactSync.Sandbox.Tests;

/// <summary><c>Sandbox:DataFile</c>: a sandbox stopped gracefully and started again on the same file keeps its
/// accounts, contacts and connections (OAuth grants, access tokens, sync tokens, delta links).</summary>
public sealed class SandboxStateFileTests : IAsyncLifetime
{
    private const string GoogleRedirect = "http://127.0.0.1:9/callback";
    private const string GraphRedirect = "https://crm.example/callback";

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"sandbox-state-{Guid.NewGuid():N}.json");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        File.Delete(_file);
        return Task.CompletedTask;
    }

    private async Task<(WebApplication App, HttpClient Http)> StartAsync()
    {
        var app = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--environment", "Development"], b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Warning);
            b.Configuration[Persistence.SandboxStateFile.ConfigurationKey] = _file;
        });
        await app.StartAsync();
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/") };
        return (app, http);
    }

    private static async Task<JsonObject> SendAsync(HttpClient http, HttpMethod method, string path, string? token, object? body = null, int expected = 200)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = System.Net.Http.Json.JsonContent.Create(body);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected, $"{method} {path}: expected {expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<JsonObject> TokenAsync(HttpClient http, string path, params (string Key, string Value)[] form)
    {
        using var response = await http.PostAsync(path, new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Key, f.Value))));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<string> CodeAsync(HttpClient http, string authorizeUrl)
    {
        using var response = await http.GetAsync(authorizeUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return QueryHelpers.ParseQuery(response.Headers.Location!.Query)["code"].ToString();
    }

    private static List<string> GivenNames(JsonObject body, string property) =>
        [.. (body[property]?.AsArray() ?? []).Select(p => p!["names"]?[0]?["givenName"]?.GetValue<string>() ?? p["givenName"]!.GetValue<string>()).Order()];

    [Fact]
    public async Task A_restarted_sandbox_keeps_accounts_contacts_grants_sync_tokens_and_delta_links()
    {
        var googleEmail = $"keep-{Guid.NewGuid():N}@example.com";
        var graphEmail = $"keep-{Guid.NewGuid():N}@contoso.test";
        var (first, http) = await StartAsync();
        string googleAccess, googleRefresh, syncToken, graphAccess, graphRefresh, deltaLink;
        using (http)
        {
            var google = await TokenAsync(http, "token", ("grant_type", "authorization_code"), ("redirect_uri", GoogleRedirect),
                ("client_id", "client-1"), ("client_secret", "s"), ("code", await CodeAsync(http,
                    $"o/oauth2/v2/auth?client_id=client-1&redirect_uri={Uri.EscapeDataString(GoogleRedirect)}&response_type=code&scope=contacts&login_hint={Uri.EscapeDataString(googleEmail)}")));
            googleAccess = google["access_token"]!.GetValue<string>();
            googleRefresh = google["refresh_token"]!.GetValue<string>();
            await SendAsync(http, HttpMethod.Post, "v1/people:createContact", googleAccess, new { names = new[] { new { givenName = "Ada" } } });
            syncToken = (await SendAsync(http, HttpMethod.Get, "v1/people/me/connections?personFields=names&requestSyncToken=true", googleAccess))["nextSyncToken"]!.GetValue<string>();
            await SendAsync(http, HttpMethod.Post, "v1/people:createContact", googleAccess, new { names = new[] { new { givenName = "Grace" } } });

            var graph = await TokenAsync(http, "common/oauth2/v2.0/token", ("grant_type", "authorization_code"), ("redirect_uri", GraphRedirect),
                ("client_id", "app"), ("client_secret", "s"), ("code", await CodeAsync(http,
                    $"common/oauth2/v2.0/authorize?client_id=app&response_type=code&redirect_uri={Uri.EscapeDataString(GraphRedirect)}&scope=offline_access&state=s&login_hint={Uri.EscapeDataString(graphEmail)}")));
            graphAccess = graph["access_token"]!.GetValue<string>();
            graphRefresh = graph["refresh_token"]!.GetValue<string>();
            await SendAsync(http, HttpMethod.Post, "v1.0/me/contacts", graphAccess, new { givenName = "Linus" }, 201);
            deltaLink = (await SendAsync(http, HttpMethod.Get, "v1.0/me/contacts/delta", graphAccess))["@odata.deltaLink"]!.GetValue<string>();
            await SendAsync(http, HttpMethod.Post, "v1.0/me/contacts", graphAccess, new { givenName = "Margaret" }, 201);
            deltaLink = deltaLink[http.BaseAddress!.ToString().Length..];
        }
        await first.StopAsync();
        await first.DisposeAsync();
        Assert.True(File.Exists(_file));

        var (second, http2) = await StartAsync();
        await using (second)
        using (http2)
        {
            // Google: the old access token still works, the refresh token issues new ones, the sync token resumes.
            Assert.Equal(["Ada", "Grace"], GivenNames(await SendAsync(http2, HttpMethod.Get, "v1/people/me/connections?personFields=names", googleAccess), "connections"));
            var refreshed = await TokenAsync(http2, "token", ("grant_type", "refresh_token"), ("refresh_token", googleRefresh),
                ("client_id", "client-1"), ("client_secret", "s"));
            var fresh = refreshed["access_token"]!.GetValue<string>();
            Assert.Equal(["Grace"], GivenNames(await SendAsync(http2, HttpMethod.Get, $"v1/people/me/connections?personFields=names&syncToken={syncToken}", fresh), "connections"));

            // Graph: likewise with the refresh token and the delta link.
            var graphRefreshed = await TokenAsync(http2, "common/oauth2/v2.0/token", ("grant_type", "refresh_token"), ("refresh_token", graphRefresh),
                ("client_id", "app"), ("client_secret", "s"));
            var graphFresh = graphRefreshed["access_token"]!.GetValue<string>();
            Assert.Equal(["Linus", "Margaret"], GivenNames(await SendAsync(http2, HttpMethod.Get, "v1.0/me/contacts", graphFresh), "value"));
            Assert.Equal(["Linus", "Margaret"], GivenNames(await SendAsync(http2, HttpMethod.Get, "v1.0/me/contacts", graphAccess), "value"));
            Assert.Equal(["Margaret"], GivenNames(await SendAsync(http2, HttpMethod.Get, deltaLink, graphFresh), "value"));

            // Reset clears the file's state as well.
            (await http2.PostAsync("_sandbox/reset", null)).EnsureSuccessStatusCode();
        }
        var (third, http3) = await StartAsync();
        await using (third)
        using (http3)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "v1.0/me/contacts");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", graphAccess);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http3.SendAsync(request)).StatusCode);
        }
    }
}
