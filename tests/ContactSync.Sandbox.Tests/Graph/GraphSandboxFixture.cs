using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;

namespace ContactSync.Sandbox.Tests.Graph;

/// <summary>A sandbox on a free port, shared by the tests of one class (each test uses its own mailbox).</summary>
public sealed class GraphSandboxFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Http { get; } = new();

    public string GraphRoot => BaseAddress + "v1.0";

    public async Task InitializeAsync()
    {
        (_app, BaseAddress) = await SandboxApp.StartOnFreePortAsync();
        Http.BaseAddress = BaseAddress;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }

    /// <summary>A new mailbox and a token for it, through the control API.</summary>
    public async Task<Mailbox> NewMailboxAsync()
    {
        var email = $"user-{Guid.NewGuid():N}@contoso.test";
        var response = await Http.PostAsJsonAsync("_sandbox/microsoft/accounts", new { email });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return new Mailbox(this, email, body!["accessToken"]!.GetValue<string>());
    }

    public async Task SetFaultsAsync(object faults) =>
        (await Http.PostAsJsonAsync("_sandbox/faults", faults)).EnsureSuccessStatusCode();
}

/// <summary>Requests to Graph as one mailbox.</summary>
public sealed record Mailbox(GraphSandboxFixture Sandbox, string Email, string Token)
{
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathOrUrl, object? body = null, Action<HttpRequestMessage>? configure = null)
    {
        var url = pathOrUrl.StartsWith("http", StringComparison.Ordinal) ? pathOrUrl : $"{Sandbox.GraphRoot}{pathOrUrl}";
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (body is not null)
            request.Content = new StringContent(body as string ?? System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        configure?.Invoke(request);
        return await Sandbox.Http.SendAsync(request);
    }

    public async Task<JsonObject> JsonAsync(HttpMethod method, string pathOrUrl, object? body = null, int expected = 200, Action<HttpRequestMessage>? configure = null)
    {
        using var response = await SendAsync(method, pathOrUrl, body, configure);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected, $"{method} {pathOrUrl}: expected {expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public Task<JsonObject> GetAsync(string path) => JsonAsync(HttpMethod.Get, path);

    public Task<JsonObject> CreateContactAsync(object contact, string? folderId = null) =>
        JsonAsync(HttpMethod.Post, folderId is null ? "/me/contacts" : $"/me/contactFolders/{folderId}/contacts", contact, 201);

    public async Task<string> CreateFolderAsync(string? name = null) =>
        (await JsonAsync(HttpMethod.Post, "/me/contactFolders", new { displayName = name ?? $"Folder {Guid.NewGuid():N}" }, 201))["id"]!.GetValue<string>();

    /// <summary>Follows a delta round to its deltaLink; returns the items and the deltaLink.</summary>
    public async Task<(List<JsonObject> Items, string DeltaLink, int Pages)> DeltaRoundAsync(string urlOrPath, int? pageSize = null)
    {
        var items = new List<JsonObject>();
        var pages = 0;
        var next = urlOrPath;
        while (true)
        {
            var page = await JsonAsync(HttpMethod.Get, next, configure: r =>
            {
                if (pageSize is { } n) r.Headers.Add("Prefer", $"odata.maxpagesize={n}");
            });
            pages++;
            items.AddRange(page["value"]!.AsArray().Select(v => v!.AsObject()));
            if (page["@odata.deltaLink"]?.GetValue<string>() is { } delta) return (items, delta, pages);
            next = page["@odata.nextLink"]!.GetValue<string>();
        }
    }
}

public static class GraphAssert
{
    public static async Task ErrorAsync(HttpResponseMessage response, int status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        var error = JsonNode.Parse(text)!["error"]!;
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        Assert.NotNull(error["innerError"]!["request-id"]);
    }
}
