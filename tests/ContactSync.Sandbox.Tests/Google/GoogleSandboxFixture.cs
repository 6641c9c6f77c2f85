using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ContactSync.Sandbox.Tests.Google;

/// <summary>A sandbox on a free port; one per test class, so the faults a class sets stay inside it.</summary>
public class GoogleSandboxFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>Starts the sandbox; variants that need other settings build it themselves.</summary>
    protected virtual Task<(WebApplication App, Uri BaseAddress)> StartAsync() => SandboxApp.StartOnFreePortAsync();

    protected static async Task<(WebApplication App, Uri BaseAddress)> StartConfiguredAsync(Action<WebApplicationBuilder> configure)
    {
        var app = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--environment", "Development"], b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Warning);
            configure(b);
        });
        await app.StartAsync();
        return (app, new Uri(app.Urls.First().TrimEnd('/') + "/"));
    }

    public async Task InitializeAsync()
    {
        (_app, BaseAddress) = await StartAsync();
        Http = Client(null);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }

    /// <summary>An HTTP client for the sandbox that does not follow redirects (the OAuth tests read them).</summary>
    public HttpClient Client(string? accessToken)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        if (accessToken is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>A new account with its own e-mail and a client holding its access token.</summary>
    public async Task<(string Email, HttpClient Client)> NewAccountAsync()
    {
        var email = $"user-{Guid.NewGuid():N}@example.com";
        var response = await Http.PostAsJsonAsync("_sandbox/google/accounts", new { email });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<AccountResponse>();
        return (email, Client(body!.AccessToken));
    }

    private sealed record AccountResponse(string Email, string AccessToken);
}

/// <summary>A sandbox whose accounts hold at most three contacts.</summary>
public sealed class SmallCapFixture : GoogleSandboxFixture
{
    protected override Task<(WebApplication App, Uri BaseAddress)> StartAsync() =>
        StartConfiguredAsync(b => b.Configuration["Sandbox:Google:MaxContacts"] = "3");
}

/// <summary>A sandbox whose clock the tests move by hand (token lifetimes are hours and days).</summary>
public sealed class ClockFixture : GoogleSandboxFixture
{
    public ManualClock Clock { get; } = new();

    protected override Task<(WebApplication App, Uri BaseAddress)> StartAsync() =>
        StartConfiguredAsync(b => b.Services.AddSingleton<TimeProvider>(Clock));
}
