using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ContactSync.AppHost;

/// <summary>
/// Once the API is ready: seeds a demo tenant through the public REST API the first time the system runs (a few
/// roles, users, contacts in several scripts, a list) and reuses it on later runs, then prints the addresses and keys
/// and writes them to resources.json. Works offline: nothing leaves the machine.
/// </summary>
internal static class DemoResource
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static IResourceBuilder<ProjectResource> WithDemo(this IResourceBuilder<ProjectResource> api, AppHostSettings settings,
        EventsDatabase events, IResourceBuilder<ProjectResource> sandbox, IResourceBuilder<ProjectResource>[] services) =>
        api.OnResourceReady(async (_, e, ct) =>
        {
            var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(api.Resource);
            var apiUrl = api.GetEndpoint("http").Url;
            var stateFile = Path.Combine(settings.DataDirectory, "demo.json");
            DemoState? demo;
            try
            {
                demo = await EnsureAsync(apiUrl, stateFile, settings.OperatorKey, ct);
                logger.LogInformation("Demo tenant '{Tenant}' is ready ({Contacts} contacts on its first run).", demo.TenantName, DemoData.Contacts.Length);
            }
            catch (DemoSeedException failure)
            {
                logger.LogError("The demo tenant could not be seeded: {Reason}", failure.Message);
                demo = null;
            }
            var accounts = await EnsureProviderAccountsAsync(sandbox.GetEndpoint("http").Url, logger, ct);
            var urls = services.ToDictionary(s => s.Resource.Name, s => s.GetEndpoint("http").Url);
            if (events.Url is { } postgres) urls["postgres"] = postgres;
            await ResourcesFile.WriteAsync(settings, urls, demo, accounts, ct);
            ResourcesFile.PrintSummary(settings, urls, demo, accounts);
        });

    /// <summary>The sandbox's demo Google account and Outlook mailbox, filled on the first run (or after a sandbox reset).</summary>
    private static async Task<DemoAccounts> EnsureProviderAccountsAsync(string sandboxUrl, ILogger logger, CancellationToken ct)
    {
        async Task<string?> One(string provider, Func<string, CancellationToken, Task<DemoProviders.Seeded>> seed)
        {
            try
            {
                var seeded = await seed(sandboxUrl, ct);
                if (seeded.Created > 0) logger.LogInformation("Demo {Provider} account {Email}: {Count} contacts created in the sandbox.", provider, seeded.Email, seeded.Created);
                else logger.LogInformation("Demo {Provider} account {Email} holds its demo contacts already.", provider, seeded.Email);
                return seeded.Email;
            }
            catch (Exception e) when (e is DemoSeedException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                logger.LogError("The demo {Provider} account could not be seeded: {Reason}", provider, e.Message);
                return null;
            }
        }
        return new DemoAccounts(await One("Google", DemoProviders.EnsureGoogleAsync), await One("Microsoft", DemoProviders.EnsureMicrosoftAsync));
    }

    private static async Task<DemoState> EnsureAsync(string apiUrl, string stateFile, string operatorKey, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(apiUrl), Timeout = TimeSpan.FromSeconds(30) };
        if (await LoadAsync(http, stateFile, ct) is { } existing) return existing;
        var state = await SeedAsync(http, operatorKey, ct);
        Directory.CreateDirectory(Path.GetDirectoryName(stateFile)!);
        await File.WriteAllTextAsync(stateFile, JsonSerializer.Serialize(state, Json), ct);
        return state;
    }

    private static async Task<DemoState?> LoadAsync(HttpClient http, string stateFile, CancellationToken ct)
    {
        if (!File.Exists(stateFile)) return null;
        var state = JsonSerializer.Deserialize<DemoState>(await File.ReadAllTextAsync(stateFile, ct), Json);
        if (state is null) return null;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", state.ApiKey);
        using var response = await http.SendAsync(request, ct);
        return response.IsSuccessStatusCode ? state : null;   // e.g. the database was wiped: seed again
    }

    private static async Task<DemoState> SeedAsync(HttpClient http, string operatorKey, CancellationToken ct)
    {
        var tenant = await PostAsync(http, operatorKey, "/api/tenants",
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
        return new DemoState(tenant["tenant"]!["id"]!.GetValue<string>(), DemoData.TenantName, key, grace["apiKey"]!.GetValue<string>());
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, string key, string path, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            throw new DemoSeedException($"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text) ?? throw new DemoSeedException($"POST {path} answered an empty body");
    }
}

/// <summary>What the demo leaves for scripts (resources.json "demo").</summary>
internal sealed record DemoState(string TenantId, string TenantName, string ApiKey, string SalesUserApiKey);

/// <summary>The sandbox accounts the demo connects (resources.json "demo.google.email", "demo.microsoft.email"); null where seeding failed.</summary>
internal sealed record DemoAccounts(string? GoogleEmail, string? MicrosoftEmail);

/// <summary>The API refused a seeding step; the system runs on without the demo.</summary>
internal sealed class DemoSeedException(string message) : Exception(message);
