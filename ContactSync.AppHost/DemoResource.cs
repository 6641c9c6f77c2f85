using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ContactSync.AppHost;

/// <summary>
/// Seeds a demo tenant through the public REST API the first time the system runs (a few roles, users,
/// contacts in several scripts, a list) and reuses it on later runs; its key goes to resources.json. Works
/// offline: nothing leaves the machine.
/// </summary>
public sealed class DemoResource(string name, ProjectResource api, string repoRoot) : Resource(name)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly string _stateFile = Path.Combine(repoRoot, "ContactSync.AppHost", ".data", "demo.json");

    public DemoState? State { get; private set; }

    public DemoResource WaitFor(Resource resource)
    {
        WaitsFor.Add(resource);
        return this;
    }

    public override async Task StartAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(api.Url), Timeout = TimeSpan.FromSeconds(30) };
        if (await LoadAsync(http, ct) is { } existing)
        {
            State = existing;
            Log($"demo tenant '{existing.TenantName}' is ready");
            return;
        }
        State = await SeedAsync(http, ct);
        Directory.CreateDirectory(Path.GetDirectoryName(_stateFile)!);
        await File.WriteAllTextAsync(_stateFile, JsonSerializer.Serialize(State, Json), ct);
        Log($"created demo tenant '{State.TenantName}' with {DemoData.Contacts.Length} contacts");
    }

    private async Task<DemoState?> LoadAsync(HttpClient http, CancellationToken ct)
    {
        if (!File.Exists(_stateFile)) return null;
        var state = JsonSerializer.Deserialize<DemoState>(await File.ReadAllTextAsync(_stateFile, ct), Json);
        if (state is null) return null;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", state.ApiKey);
        using var response = await http.SendAsync(request, ct);
        return response.IsSuccessStatusCode ? state : null;   // e.g. the database was wiped: seed again
    }

    private async Task<DemoState> SeedAsync(HttpClient http, CancellationToken ct)
    {
        var tenant = await PostAsync(http, Secrets.OperatorKey, "/api/tenants",
            new { name = DemoData.TenantName, admin = new { name = "Ada Admin", email = "ada@demo.contactsync.local" } }, ct);
        var key = tenant["apiKey"]!.GetValue<string>();
        var sales = await PostAsync(http, key, "/api/roles", new { name = "Sales" }, ct);
        var emea = await PostAsync(http, key, "/api/roles", new { name = "Sales EMEA", parentId = sales["id"]!.GetValue<string>() }, ct);
        var grace = await PostAsync(http, key, "/api/users", new
        {
            name = "Grace Seller", email = "grace@demo.contactsync.local", roleId = emea["id"]!.GetValue<string>(),
            permissions = new[] { "persons.add", "organizations.add" },
        }, ct);
        foreach (var contact in DemoData.Contacts)
            await PostAsync(http, key, "/api/contacts", contact, ct);
        await PostAsync(http, key, "/api/lists", new { name = "Customers", filter = new { tags = new[] { "customer" } } }, ct);
        return new DemoState(tenant["tenant"]!["id"]!.GetValue<string>(), DemoData.TenantName, key,
            grace["apiKey"]!.GetValue<string>());
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, string key, string path, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            throw new LaunchException($"demo: POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text) ?? throw new LaunchException($"demo: POST {path} answered an empty body");
    }

    private void Log(string line) => Ansi.WritePrefixed(Name, ConsoleColor.DarkYellow, line, error: false);

    public override async Task WaitHealthyAsync(CancellationToken ct) => await Task.CompletedTask;

    public override Task<Resource> Exited(CancellationToken ct) =>
        Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => (Resource)this, TaskScheduler.Default);

    public override Task StopAsync() => Task.CompletedTask;
}

/// <summary>What the demo leaves for scripts (resources.json "demo").</summary>
public sealed record DemoState(string TenantId, string TenantName, string ApiKey, string SalesUserApiKey);
