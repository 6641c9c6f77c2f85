using System.Collections.Concurrent;
using System.Net.Http.Json;
using ContactSync.Providers.Microsoft;
using ContactSync.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace ContactSync.Providers.Tests.Microsoft;

/// <summary>A sandbox on a free port and accounts connected through the real OAuth flow.</summary>
public sealed class GraphAdapterFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Http { get; } = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    public Task InitializeAsync() => StartAsync(null);

    /// <summary>Starts the sandbox, optionally with changed services (a fake clock, for instance).</summary>
    public async Task StartAsync(Action<WebApplicationBuilder>? configure)
    {
        if (configure is null)
        {
            (_app, BaseAddress) = await SandboxApp.StartOnFreePortAsync();
        }
        else
        {
            _app = SandboxApp.Build(["--urls", "http://127.0.0.1:0"], b =>
            {
                b.Logging.SetMinimumLevel(LogLevel.Warning);
                configure(b);
            });
            await _app.StartAsync();
            BaseAddress = new Uri(_app.Urls.First().TrimEnd('/') + "/");
        }
        Http.BaseAddress = BaseAddress;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }

    public MicrosoftProviderOptions Options(int maxRetries = 5) => new()
    {
        ClientId = "contactsync-tests", ClientSecret = "not-a-secret", Tenant = "common",
        GraphBaseUri = new Uri(BaseAddress, "v1.0"), AuthorityUri = BaseAddress, MaxRetries = maxRetries,
        MaxRetryDelay = TimeSpan.FromSeconds(5),
    };

    /// <summary>Signs a new account in through authorize → redirect → code exchange, as the API will.</summary>
    public async Task<Account> ConnectAsync(HttpMessageHandler? transport = null)
    {
        var email = $"user-{Guid.NewGuid():N}@contoso.test";
        var options = Options();
        var authorization = new MicrosoftAuthorization(Http, options);
        var redirect = new Uri(Redirect);
        var verifier = Pkce.NewVerifier();
        var grant = await authorization.ExchangeCodeAsync(await ConsentAsync(authorization, email, Pkce.Challenge(verifier)), redirect, verifier, CancellationToken.None);
        return new Account(email, grant, new MicrosoftContactProvider(options, grant.RefreshToken, transport));
    }

    public const string Redirect = "https://crm.example/api/accounts/microsoft/callback";

    /// <summary>The code the sandbox's consent page sends back for <paramref name="email"/>.</summary>
    public async Task<string> ConsentAsync(MicrosoftAuthorization authorization, string email, string? codeChallenge)
    {
        var state = Guid.NewGuid().ToString("N");
        using var consent = await Http.GetAsync(authorization.BuildAuthorizeUri(state, new Uri(Redirect), email, codeChallenge));
        Assert.Equal(302, (int)consent.StatusCode);
        var location = consent.Headers.Location!;
        Assert.StartsWith(Redirect, location.ToString());
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal(state, query["state"].ToString());
        return query["code"].ToString();
    }

    public async Task SetFaultsAsync(object faults) =>
        (await Http.PostAsJsonAsync("_sandbox/faults", faults)).EnsureSuccessStatusCode();

    public Task ClearFaultsAsync() => SetFaultsAsync(new
    {
        provider = "microsoft", status429Rate = 0.0, status5xxRate = 0.0, resetRate = 0.0, latencyMs = 0, retryAfterSeconds = 1,
    });
}

public sealed record Account(string Email, ProviderGrant Grant, MicrosoftContactProvider Provider);

/// <summary>Records every request the adapter sends (on the wire, below the SDK's middleware).</summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public ConcurrentQueue<(HttpMethod Method, Uri Uri, string? Prefer, string? Body)> Requests { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(ct);
        var prefer = request.Headers.TryGetValues("Prefer", out var v) ? string.Join(", ", v) : null;
        Requests.Enqueue((request.Method, request.RequestUri!, prefer, body));
        return await base.SendAsync(request, ct);
    }
}
