using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ContactSync.Api;
using ContactSync.Projector;
using ContactSync.Providers;
using ContactSync.Providers.Google;
using ContactSync.Providers.Microsoft;
using ContactSync.Sandbox;
using ContactSync.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContactSync.Sync.Tests.Support;

/// <summary>
/// The system as it runs: PostgreSQL, the provider sandbox, the Projector (projections and sync workers) and the
/// API, each a real host on a free port. A test acts as a CRM user through the REST API and as the same person at
/// the provider through the provider's own client library (its own OAuth client, like Google Contacts in a browser).
/// The API's address is the public URL, so Outlook connections get change notifications from the sandbox.
/// </summary>
public class SyncFixture : IAsyncLifetime
{
    private readonly PostgresFixture _postgres = new();
    private readonly SocketsHttpHandler _handler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false };
    private readonly List<WebApplication> _apps = [];
    private readonly string _grantKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private WebApplication? _projector;

    /// <summary>Every connection's poll interval here: short, so tests of other things need not wait for a poll.</summary>
    protected virtual string PollOverride => "00:00:02";

    /// <summary>How long the engine lets the sandbox's listings lag: longer than any propagation delay a test sets.</summary>
    protected virtual string ProviderLag => "00:00:03";

    public string OperatorKey { get; } = "op_" + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
    public string ConnectionString { get; private set; } = "";
    public Uri ApiAddress { get; private set; } = null!;
    public Uri SandboxAddress { get; private set; } = null!;
    public HttpClient Anonymous => Client(null);
    public HttpClient Operator => Client(OperatorKey);

    public async Task InitializeAsync()
    {
        ConnectionString = await _postgres.CreateDatabaseAsync("sync");
        var (sandbox, address) = await SandboxApp.StartOnFreePortAsync();
        _apps.Add(sandbox);
        SandboxAddress = address;
        ApiAddress = await StartAsync(ApiApp.Build([], b => Configure(b, new()
        {
            ["ContactSync:OperatorKey"] = OperatorKey,
            ["ContactSync:Api:ProjectionWaitMs"] = "3000",
        })));
        await StartProjectorAsync();
        await Eventually.TrueAsync(async () => (await Anonymous.GetAsync("/health")).IsSuccessStatusCode, "the API to be healthy");
    }

    /// <summary>Starts a Projector; a test that stops one (a crash, a deploy) starts the next with this.</summary>
    public async Task StartProjectorAsync()
    {
        _projector = ProjectorApp.Build([], b => Configure(b, new()
        {
            ["ContactSync:Projector:ControlInterval"] = "00:00:00.100",
            ["ContactSync:Projector:StandbyRetry"] = "00:00:00.200",
            ["ContactSync:Sync:ScanInterval"] = "00:00:00.200",
            ["ContactSync:Sync:Backoff"] = "00:00:00.100",
            ["ContactSync:Sync:MaxBackoff"] = "00:00:02",
            ["ContactSync:Sync:PollOverride"] = PollOverride,
            ["ContactSync:Sync:ProviderLag"] = ProviderLag,
            ["ContactSync:PublicUrl"] = ApiAddress.ToString(),
        }));
        await StartAsync(_projector);
    }

    public async Task StopProjectorAsync()
    {
        if (_projector is null) return;
        await _projector.StopAsync();
        await _projector.DisposeAsync();
        _apps.Remove(_projector);
        _projector = null;
    }

    /// <summary>The settings a Projector process needs to join this system, as environment variables.</summary>
    public Dictionary<string, string> ProjectorEnvironment() => new()
    {
        ["ConnectionStrings__events"] = ConnectionString,
        ["Providers__SandboxUri"] = SandboxAddress.ToString(),
        ["ContactSync__GrantKeys__Current"] = "k1",
        ["ContactSync__GrantKeys__Keys__k1"] = _grantKey,
        ["ContactSync__Sync__ScanInterval"] = "00:00:00.200",
        ["ContactSync__Sync__Backoff"] = "00:00:00.100",
        ["ContactSync__Sync__PollOverride"] = PollOverride,
        ["ContactSync__Sync__ProviderLag"] = ProviderLag,
        ["ContactSync__PublicUrl"] = ApiAddress.ToString(),
        ["ContactSync__Projector__StandbyRetry"] = "00:00:00.200",
        ["Logging__LogLevel__Default"] = "Warning",
        ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
    };

    public HttpClient Client(string? key)
    {
        var client = new HttpClient(_handler, disposeHandler: false) { BaseAddress = ApiAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public HttpClient Sandbox => new(_handler, disposeHandler: false) { BaseAddress = SandboxAddress };

    /// <summary>A new tenant whose admin holds both sync permissions.</summary>
    public async Task<CrmUser> NewTenantAsync()
    {
        using var res = await Operator.PostAsJsonAsync("/api/tenants", new { name = "Sync " + Guid.NewGuid().ToString("N")[..8], admin = new { name = "Ada Admin", email = Email() } });
        var body = await Read(res, HttpStatusCode.Created);
        var key = body.GetProperty("apiKey").GetString()!;
        return new CrmUser(body.GetProperty("tenant").GetProperty("id").GetGuid(), body.GetProperty("admin").GetProperty("id").GetGuid(), Client(key));
    }

    /// <summary>Another user of the tenant, with both sync permissions.</summary>
    public async Task<CrmUser> NewUserAsync(CrmUser admin)
    {
        using var res = await admin.Api.PostAsJsonAsync("/api/users", new { name = "Colleague", email = Email(), permissions = new[] { "persons.add", "organizations.add" } });
        var body = await Read(res, HttpStatusCode.Created);
        return new CrmUser(admin.TenantId, body.GetProperty("user").GetProperty("id").GetGuid(), Client(body.GetProperty("apiKey").GetString()));
    }

    /// <summary>Connects a provider account through the consent redirects, as a browser would; returns its id. The
    /// connect call and the redirects share one cookie jar: the API attaches the account only in the browser that
    /// started the connect.</summary>
    public async Task<Guid> ConnectAccountAsync(CrmUser user, string provider, string email)
    {
        var url = $"/api/accounts/{provider}/connect?returnUrl={Uri.EscapeDataString("/api/accounts")}&loginHint={Uri.EscapeDataString(email)}";
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = ApiAddress, Timeout = TimeSpan.FromSeconds(60),
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = user.Api.DefaultRequestHeaders.Authorization;
        using var connect = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, connect.StatusCode);
        using var consent = await browser.GetAsync(connect.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
        using var callback = await browser.GetAsync(consent.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        var accounts = await Read(await user.Api.GetAsync("/api/accounts"), HttpStatusCode.OK);
        return accounts.GetProperty("items").EnumerateArray()
            .Single(a => a.GetProperty("provider").GetString() == provider && a.GetProperty("email").GetString() == email).GetProperty("id").GetGuid();
    }

    /// <summary>The same person at the provider, through the provider's own client library and OAuth client.</summary>
    public async Task<IContactProvider> AtProviderAsync(string provider, string email)
    {
        var redirect = new Uri("http://127.0.0.1:9/callback");
        var state = Guid.NewGuid().ToString("N");
        IProviderAuthorization auth = provider == "google"
            ? new GoogleOAuth(GoogleProviderOptions.ForRoot(SandboxAddress, "contactsync-tests", "secret"), NullLogger.Instance)
            : new MicrosoftAuthorization(Sandbox, MicrosoftOptions());
        using var consent = await Sandbox.GetAsync(auth.BuildAuthorizeUri(state, redirect, email));
        var code = QueryHelpers.ParseQuery(consent.Headers.Location!.Query)["code"].ToString();
        var grant = await auth.ExchangeCodeAsync(code, redirect, CancellationToken.None);
        return provider == "google"
            ? new GoogleContactProvider((GoogleOAuth)auth, grant.RefreshToken)
            : new MicrosoftContactProvider(MicrosoftOptions(), grant.RefreshToken);
    }

    private MicrosoftProviderOptions MicrosoftOptions() => new()
    {
        ClientId = "contactsync-tests", ClientSecret = "not-a-secret", Tenant = "common",
        GraphBaseUri = new Uri(SandboxAddress, "v1.0"), AuthorityUri = SandboxAddress,
    };

    /// <summary>The client state the system issues for a connection, made as the Api and the Projector make it.</summary>
    public string ClientStateFor(Guid connectionId) => new ContactSync.Providers.Accounts.NotificationClientState(
        Microsoft.Extensions.Options.Options.Create(new ContactSync.Providers.Accounts.GrantKeyOptions { Current = "k1", Keys = { ["k1"] = _grantKey } }))
        .For(connectionId);

    /// <summary>How many events a stream holds (0 when it does not exist), read from the event store's own table.</summary>
    public async Task<long> StreamLengthAsync(string stream)
    {
        await using var conn = new Npgsql.NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT revision + 1 FROM es.streams WHERE stream_name = $1", conn) { Parameters = { new() { Value = stream } } };
        return await cmd.ExecuteScalarAsync() is long n ? n : 0;
    }

    /// <summary>How many events of a type (any version) a stream holds, read from the event store's own tables.</summary>
    public async Task<long> EventCountAsync(string stream, string eventType)
    {
        await using var conn = new Npgsql.NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM es.events e JOIN es.streams s ON s.stream_id = e.stream_id WHERE s.stream_name = $1 AND split_part(e.event_type, '.', 1) = $2",
            conn) { Parameters = { new() { Value = stream }, new() { Value = eventType } } };
        return await cmd.ExecuteScalarAsync() is long n ? n : 0;
    }

    /// <summary>The runs of a connection that started and have not ended, and those that had to be closed as
    /// interrupted by a later run, read from its sync stream.</summary>
    public async Task<(long Open, long Interrupted)> UnendedRunsAsync(Guid connection)
    {
        await using var conn = new Npgsql.NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("""
            SELECT count(*) FILTER (WHERE started AND NOT ended), count(*) FILTER (WHERE interrupted) FROM (
              SELECT e.data->>'runId' AS run,
                     bool_or(e.event_type LIKE 'SyncRunStarted%') AS started,
                     bool_or(e.event_type LIKE 'SyncRunCompleted%' OR e.event_type LIKE 'SyncRunFailed%') AS ended,
                     bool_or(e.event_type LIKE 'SyncRunFailed%' AND e.data->>'error' = $2) AS interrupted
                FROM es.events e JOIN es.streams s ON s.stream_id = e.stream_id
               WHERE s.stream_name = $1 AND e.event_type LIKE 'SyncRun%'
               GROUP BY 1) runs
            """, conn) { Parameters = { new() { Value = $"ConnectionSync-{connection:D}" }, new() { Value = ContactSync.Domain.Sync.SyncEvent.SyncRunFailed.Interrupted } } };
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public async Task SetFaultsAsync(object faults) => (await Sandbox.PostAsJsonAsync("_sandbox/faults", faults)).EnsureSuccessStatusCode();

    public static string Email() => $"u{Guid.NewGuid():N}@example.com";

    public static async Task<JsonElement> Read(HttpResponseMessage res, HttpStatusCode expected)
    {
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == expected, $"Expected {(int)expected}, got {(int)res.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private void Configure(WebApplicationBuilder builder, Dictionary<string, string?> settings)
    {
        settings["ConnectionStrings:events"] = ConnectionString;
        settings["Providers:SandboxUri"] = SandboxAddress.ToString();
        settings["ContactSync:GrantKeys:Current"] = "k1";
        settings["ContactSync:GrantKeys:Keys:k1"] = _grantKey;
        settings["Logging:LogLevel:Default"] = "Warning";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
    }

    private async Task<Uri> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        _apps.Add(app);
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps).ToList())
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        _handler.Dispose();
    }
}

public sealed record CrmUser(Guid TenantId, Guid UserId, HttpClient Api);

/// <summary>The same system with polling all but off, so a change that arrives soon arrived through a notification.</summary>
public sealed class NotificationsFixture : SyncFixture
{
    protected override string PollOverride => "00:30:00";
}

[CollectionDefinition(Name)]
public sealed class NotificationsCollection : ICollectionFixture<NotificationsFixture>
{
    public const string Name = "notifications";
}

[CollectionDefinition(Name)]
public sealed class SyncCollection : ICollectionFixture<SyncFixture>
{
    public const string Name = "sync";
}
