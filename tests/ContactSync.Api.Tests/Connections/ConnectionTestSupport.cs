using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContactSync.Api.Tests.Support;
using ContactSync.Domain.Accounts;
using ContactSync.Domain.Common;
using ContactSync.Domain.Serialization;
using ContactSync.EventStore;
using ContactSync.EventStore.Postgres;
using Npgsql;

namespace ContactSync.Api.Tests.Connections;

/// <summary>
/// Accounts are appended as the accounts' OAuth callback will write them (no connect endpoint exists yet), and the
/// sync stream as a worker will; everything else goes through the API.
/// </summary>
public sealed class ConnectionTestSupport(ApiFixture api) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(api.ConnectionString);
    private PostgresEventStore? _store;

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

    public async Task<Guid> ConnectAccountAsync(Guid tenantId, Guid userId, string provider = "google")
    {
        var id = Guid.CreateVersion7();
        await AppendAsync(StreamNames.Account(id), new AccountEvent.AccountConnected(tenantId, id, userId, provider, TestApi.Email(),
            new SealedSecret("test", "not-a-real-grant"), Actor.ForUser(userId, "test"), DateTimeOffset.UtcNow));
        return id;
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
        if (_store is not null) await _store.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
