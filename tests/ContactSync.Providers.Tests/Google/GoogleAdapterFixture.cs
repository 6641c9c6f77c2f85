using System.Net;
using System.Net.Http.Json;
using ContactSync.Providers.Google;
using ContactSync.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContactSync.Providers.Tests.Google;

/// <summary>A sandbox on a free port and an OAuth client pointed at it. Accounts are connected through the real
/// authorization-code flow, so every adapter test also runs Google.Apis.Auth against the emulator.</summary>
public class GoogleAdapterFixture : IAsyncLifetime
{
    public const string Redirect = "http://127.0.0.1:9/callback";
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Control { get; private set; } = null!;

    public GoogleOAuth OAuth { get; private set; } = null!;

    /// <summary>Starts the sandbox; variants that need other settings build it themselves.</summary>
    protected virtual Task<(WebApplication App, Uri BaseAddress)> StartAsync() => SandboxApp.StartOnFreePortAsync();

    public async Task InitializeAsync()
    {
        (_app, BaseAddress) = await StartAsync();
        Control = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        OAuth = CreateOAuth(_ => { });
    }

    /// <summary>An OAuth client for this sandbox. The back-off is short so fault tests stay quick (the sandbox
    /// sends Retry-After: 0 unless a test asks otherwise); 16 attempts make exhausting them under the fault
    /// rates the tests use a one-in-a-million event.</summary>
    public GoogleOAuth CreateOAuth(Action<GoogleProviderOptions> configure)
    {
        var options = GoogleProviderOptions.ForRoot(BaseAddress, "contactsync-tests", "secret");
        options.MaxAttempts = 16;
        options.BaseDelay = TimeSpan.FromMilliseconds(10);
        options.MaxDelay = TimeSpan.FromSeconds(5);
        configure(options);
        return new GoogleOAuth(options, NullLogger.Instance);
    }

    public async Task DisposeAsync()
    {
        Control.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }

    /// <summary>Signs a new account in through the sandbox's consent page and returns its adapter.</summary>
    public async Task<Account> ConnectAsync(GoogleOAuth? oauth = null)
    {
        oauth ??= OAuth;
        var email = $"adapter-{Guid.NewGuid():N}@example.com";
        var verifier = Pkce.NewVerifier();
        var grant = await oauth.ExchangeCodeAsync(await ConsentAsync(oauth, email, Pkce.Challenge(verifier)), new Uri(Redirect), verifier, CancellationToken.None);
        Assert.Equal(email, grant.Email);
        return new Account(email, grant, new GoogleContactProvider(oauth, grant.RefreshToken));
    }

    /// <summary>The code the sandbox's consent page sends back for <paramref name="email"/>.</summary>
    public async Task<string> ConsentAsync(GoogleOAuth oauth, string email, string? codeChallenge)
    {
        var state = Guid.NewGuid().ToString("N");
        using var consent = await Control.GetAsync(oauth.BuildAuthorizeUri(state, new Uri(Redirect), email, codeChallenge));
        Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
        var query = QueryHelpers.ParseQuery(consent.Headers.Location!.Query);
        Assert.Equal(state, query["state"].ToString());
        return query["code"].ToString();
    }

    public async Task SetFaultsAsync(double status429Rate = 0, double status5xxRate = 0, double resetRate = 0, int latencyMs = 0, int retryAfterSeconds = 0)
    {
        using var response = await Control.PostAsJsonAsync("_sandbox/faults", new { provider = "google", status429Rate, status5xxRate, resetRate, latencyMs, retryAfterSeconds });
        response.EnsureSuccessStatusCode();
    }

    public async Task ExpireCursorsAsync()
    {
        using var response = await Control.PostAsJsonAsync("_sandbox/faults", new { provider = "google", expireCursors = true });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>How many Google API answers had each status so far (from <c>/_sandbox/stats</c>).</summary>
    public async Task<Dictionary<int, long>> StatusCountsAsync()
    {
        var stats = await Control.GetFromJsonAsync<StatsResponse>("_sandbox/stats");
        return stats!.Items.Where(s => s.Provider == "google").GroupBy(s => s.Status).ToDictionary(g => g.Key, g => g.Sum(s => s.Count));
    }

    private sealed record StatsResponse(List<Stat> Items);

    private sealed record Stat(string Provider, string Endpoint, int Status, long Count);

    public async Task RevokeAsync(string email)
    {
        using var response = await Control.PostAsJsonAsync($"_sandbox/google/accounts/{Uri.EscapeDataString(email)}/revoke", new { });
        response.EnsureSuccessStatusCode();
    }

    public sealed record Account(string Email, ProviderGrant Grant, GoogleContactProvider Provider);
}

/// <summary>A sandbox whose accounts hold at most five contacts.</summary>
public sealed class SmallCapAdapterFixture : GoogleAdapterFixture
{
    protected override async Task<(WebApplication App, Uri BaseAddress)> StartAsync()
    {
        var app = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--environment", "Development"], b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Warning);
            b.Configuration["Sandbox:Google:MaxContacts"] = "5";
        });
        await app.StartAsync();
        return (app, new Uri(app.Urls.First().TrimEnd('/') + "/"));
    }
}
