using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using ContactSync.Projector;
using ContactSync.Sandbox;
using ContactSync.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ContactSync.Api.Tests.Support;

/// <summary>
/// One database with the projector and the API running on it over real Kestrel (free ports on 127.0.0.1), shared
/// by every test class of the collection. Each test creates its own tenant, users and contacts.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private readonly PostgresFixture _postgres = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _shared = new();
    // API clients, not browsers: no cookie jar shared by every test (the connect's browser cookie lives in OAuthBrowser).
    private readonly SocketsHttpHandler _handler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5), UseCookies = false };
    private readonly List<WebApplication> _apps = [];

    public string OperatorKey { get; } = "op_" + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
    public string ConnectionString { get; private set; } = "";
    public Uri SandboxAddress { get; private set; } = null!;
    private WebApplication? _sandbox;

    /// <summary>The sandbox's services (in-process: tests read what it issued, e.g. refresh tokens).</summary>
    public IServiceProvider SandboxServices => _sandbox!.Services;

    /// <summary>The key the API seals refresh tokens with (explicit test configuration, one per fixture).</summary>
    public string GrantKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public Uri ApiAddress { get; private set; } = null!;
    public HttpClient Anonymous => Client(null);
    public HttpClient Operator => Client(OperatorKey);

    public async Task InitializeAsync()
    {
        ConnectionString = await _postgres.CreateDatabaseAsync("api");
        (_sandbox, SandboxAddress) = await SandboxApp.StartOnFreePortAsync();
        var projector = ProjectorApp.Build([], b => Configure(b, new()
        {
            ["ContactSync:Projector:ControlInterval"] = "00:00:00.100",
            ["ContactSync:Projector:StandbyRetry"] = "00:00:00.200",
            ["ContactSync:Sync:Enabled"] = "false",
        }));
        await StartAsync(projector);
        // The main instance is told its public address, as a deployment is; the others find it from what they are bound to.
        var port = FreePort();
        ApiAddress = await StartApiAsync(new() { ["ContactSync:PublicUrl"] = $"http://127.0.0.1:{port}" },
            b => b.WebHost.UseUrls($"http://127.0.0.1:{port}"));
        // The read models exist once the projector has migrated them; the API reads nothing before that.
        await Eventually.TrueAsync(async () => (await Anonymous.GetAsync("/health")).IsSuccessStatusCode, "the API to be healthy");
    }

    /// <summary>Starts another API instance on the same database (tests of configuration such as rate limits).</summary>
    public async Task<Uri> StartApiAsync(Dictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        settings.TryAdd("ContactSync:OperatorKey", OperatorKey);
        settings.TryAdd("ContactSync:Api:ProjectionWaitMs", "3000");
        settings.TryAdd("ContactSync:Api:KeyCacheSeconds", "10");
        // Every test connects from 127.0.0.1 and some send bad keys on purpose: only the limiter's own test limits them.
        settings.TryAdd("ContactSync:Api:AuthFailureLimit", "1000000");
        settings.TryAdd("Providers:SandboxUri", SandboxAddress.ToString());
        settings.TryAdd("ContactSync:GrantKeys:Current", "test-1");
        settings.TryAdd("ContactSync:GrantKeys:Keys:test-1", GrantKey);
        return await StartAsync(ApiApp.Build([], b =>
        {
            Configure(b, settings);
            configure?.Invoke(b);
        }));
    }

    public HttpClient Client(string? key) => Client(ApiAddress, key);

    public HttpClient Client(Uri address, string? key)
    {
        var client = new HttpClient(_handler, disposeHandler: false) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>A value built once per fixture (e.g. a tenant with a role tree shared by a theory's cases).</summary>
    public async Task<T> SharedAsync<T>(string name, Func<Task<T>> create) where T : class =>
        (T)await _shared.GetOrAdd(name, _ => new Lazy<Task<object>>(async () => await create())).Value;

    private void Configure(WebApplicationBuilder builder, Dictionary<string, string?> settings)
    {
        settings["ConnectionStrings:events"] = ConnectionString;
        settings.TryAdd("Logging:LogLevel:Default", "Warning");
        settings["Logging:LogLevel:ContactSync.Api.Infrastructure.ProblemExceptionHandler"] = "Error";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<Uri> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        _apps.Add(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address);
    }

    public async Task DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        if (_sandbox is not null) await _sandbox.DisposeAsync();
        _handler.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
