using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContactSync.Api.Tests.Support;
using ContactSync.Domain.Common;
using ContactSync.Domain.Serialization;
using ContactSync.EventStore;
using ContactSync.EventStore.Postgres;
using Npgsql;

namespace ContactSync.Api.Tests.Connections;

/// <summary>
/// Accounts are connected through the real OAuth flow against the sandbox; the sync stream is appended as a worker
/// will write it (no worker exists yet); everything else goes through the API.
/// </summary>
public sealed class ConnectionTestSupport(ApiFixture api) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(api.ConnectionString);
    private PostgresEventStore? _store;
    // The user's browser: follows no redirect, so each hop of the OAuth flow is seen, and keeps the connect's cookie.
    private readonly HttpClient _browser = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = api.ApiAddress };

    public PostgresEventStore Store => _store ??= new PostgresEventStore(_dataSource);

    public static readonly string[] BothPermissions = ["persons.add", "organizations.add"];

    public async Task<UserHandle> NewUserAsync(TenantHandle tenant, string[]? permissions = null, bool isAdmin = false)
    {
        var res = await tenant.Admin.PostAsJsonAsync("/api/users",
            new { name = "User " + Guid.NewGuid().ToString("N")[..6], email = TestApi.Email(), isAdmin, permissions = permissions ?? BothPermissions });
        var body = await TestApi.ReadAsync(res, HttpStatusCode.Created);
        var key = body.GetProperty("apiKey").GetString()!;
        return new UserHandle(body.GetProperty("user").GetProperty("id").GetGuid(), key, api.Client(key));
    }

    /// <summary>
    /// Connects a sandbox account of <paramref name="user"/> through the real OAuth flow: the API's connect step, the
    /// sandbox's consent (approved at once for the login hint), the API's callback with the code and state.
    /// </summary>
    public async Task<(Guid Id, string Email)> ConnectAccountAsync(UserHandle user, string provider = "google")
    {
        var email = TestApi.Email();
        // The front end calls connect from the user's browser (with the user's key), so the browser holds the connect's cookie.
        using var connect = new HttpRequestMessage(HttpMethod.Get, $"/api/accounts/{provider}/connect?loginHint={Uri.EscapeDataString(email)}&returnUrl=/done");
        connect.Headers.Accept.ParseAdd("application/json");
        connect.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", user.Key);
        var authorize = (await TestApi.ReadAsync(await _browser.SendAsync(connect), HttpStatusCode.OK)).GetProperty("authorizeUrl").GetString()!;
        using var consent = await _browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
        using var callback = await _browser.GetAsync(consent.Headers.Location);
        Assert.True(callback.StatusCode == HttpStatusCode.Redirect, await callback.Content.ReadAsStringAsync());
        var position = callback.Headers.GetValues("X-Log-Position").Single();
        var accounts = await TestApi.ReadAsync(await user.Client.GetAsync($"/api/accounts?minPosition={position}"), HttpStatusCode.OK);
        var id = accounts.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("email").GetString() == email).GetProperty("id").GetGuid();
        return (id, email);
    }

    /// <summary>A user contact group created at the sandbox's Google People API, as the account's owner would.</summary>
    public async Task<string> NewGoogleGroupAsync(string email, string name)
    {
        var token = (await TestApi.ReadAsync(await _browser.PostAsJsonAsync(new Uri(api.SandboxAddress, "/_sandbox/google/accounts"), new { email }),
            HttpStatusCode.Created)).GetProperty("accessToken").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(api.SandboxAddress, "/v1/contactGroups"))
        {
            Content = JsonContent.Create(new { contactGroup = new { name } }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return (await TestApi.ReadAsync(await _browser.SendAsync(request), HttpStatusCode.OK)).GetProperty("resourceName").GetString()!;
    }

    public Task<Position> AppendAsync(string stream, params object[] events) => AppendAsync(stream, ExpectedRevision.Any, events);

    public async Task<Position> AppendAsync(string stream, ExpectedRevision expected, params object[] events)
    {
        var data = events.Select(e =>
        {
            var (type, json) = DomainJson.Serialize(e);
            return new EventData(Guid.CreateVersion7(), type, json);
        }).ToList();
        return (await Store.AppendToStreamAsync(stream, expected, data)).LogPosition;
    }

    /// <summary>The stored event types of a stream, in order (empty when it does not exist).</summary>
    public async Task<List<(string Type, JsonElement Data)>> EventsAsync(string stream)
    {
        try
        {
            var events = await Store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, long.MaxValue);
            return [.. events.Select(e => (e.Type, JsonDocument.Parse(e.Data).RootElement.Clone()))];
        }
        catch (StreamNotFoundException)
        {
            return [];
        }
    }

    public static async Task<Guid> NewListAsync(HttpClient client, string name = "Customers")
    {
        var res = await client.PostAsJsonAsync("/api/lists", new { name, filter = new { tags = new[] { "customer" } } });
        return (await TestApi.ReadAsync(res, HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    public static Task<HttpResponseMessage> CreateAsync(HttpClient client, object body) => client.PostAsJsonAsync("/api/connections", body);

    public static async Task<JsonElement> CreatedAsync(HttpClient client, object body) =>
        await TestApi.ReadAsync(await CreateAsync(client, body), HttpStatusCode.Created);

    public async ValueTask DisposeAsync()
    {
        _browser.Dispose();
        if (_store is not null) await _store.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
