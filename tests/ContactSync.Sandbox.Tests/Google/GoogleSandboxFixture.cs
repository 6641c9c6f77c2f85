using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ContactSync.Sandbox.Tests.Google;

/// <summary>A sandbox on a free port with a hand-moved clock; one per test class, so faults and clock moves
/// stay inside the class that makes them.</summary>
public class GoogleSandboxFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public ManualClock Clock { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    protected virtual void Configure(WebApplicationBuilder builder)
    {
    }

    public async Task InitializeAsync()
    {
        _app = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--environment", "Development"], b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Warning);
            b.Services.AddSingleton<TimeProvider>(Clock);
            Configure(b);
        });
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.First().TrimEnd('/') + "/");
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
    protected override void Configure(WebApplicationBuilder builder) => builder.Configuration["Sandbox:Google:MaxContacts"] = "3";
}
