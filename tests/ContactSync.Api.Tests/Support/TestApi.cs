using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ContactSync.Api.Tests.Support;

public sealed record TenantHandle(Guid TenantId, Guid AdminId, string AdminKey, HttpClient Admin);

public sealed record UserHandle(Guid UserId, string Key, HttpClient Client);

/// <summary>Test helpers that drive the API the way a client does.</summary>
public static class TestApi
{
    public static async Task<TenantHandle> NewTenantAsync(this ApiFixture api, string? name = null)
    {
        var res = await api.Operator.PostAsJsonAsync("/api/tenants",
            new { name = name ?? "Tenant " + Guid.NewGuid().ToString("N")[..8], admin = new { name = "Ada Admin", email = Email() } });
        var body = await ReadAsync(res, HttpStatusCode.Created);
        var key = body.GetProperty("apiKey").GetString()!;
        return new TenantHandle(body.GetProperty("tenant").GetProperty("id").GetGuid(), body.GetProperty("admin").GetProperty("id").GetGuid(),
            key, api.Client(key));
    }

    public static async Task<UserHandle> NewUserAsync(this ApiFixture api, TenantHandle tenant, Guid? roleId = null, bool isAdmin = false)
    {
        var res = await tenant.Admin.PostAsJsonAsync("/api/users", new { name = "User " + Guid.NewGuid().ToString("N")[..6], email = Email(), roleId, isAdmin });
        var body = await ReadAsync(res, HttpStatusCode.Created);
        var key = body.GetProperty("apiKey").GetString()!;
        return new UserHandle(body.GetProperty("user").GetProperty("id").GetGuid(), key, api.Client(key));
    }

    public static async Task<Guid> NewRoleAsync(this TenantHandle tenant, string name, Guid? parentId = null)
    {
        var res = await tenant.Admin.PostAsJsonAsync("/api/roles", new { name, parentId });
        return (await ReadAsync(res, HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> NewContactAsync(this HttpClient client, object body)
    {
        var res = await client.PostAsJsonAsync("/api/contacts", body);
        return await ReadAsync(res, HttpStatusCode.Created);
    }

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string url, object body, string? ifMatch = null) =>
        client.SendAsync(Request(HttpMethod.Patch, url, JsonSerializer.Serialize(body), ifMatch));

    public static HttpRequestMessage Request(HttpMethod method, string url, string? json = null, string? ifMatch = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, url);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, contentType);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage res, HttpStatusCode expected)
    {
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == expected, $"Expected {(int)expected} but got {(int)res.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem with the status, and returns its body.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage res, HttpStatusCode expected)
    {
        var problem = await ReadAsync(res, expected);
        Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.StartsWith("https://", problem.GetProperty("type").GetString());
        Assert.True(problem.TryGetProperty("traceId", out _), "A problem carries traceId.");
        return problem;
    }

    public static async Task<JsonElement> ValidationAsync(HttpResponseMessage res, params string[] fields)
    {
        var problem = await ProblemAsync(res, HttpStatusCode.UnprocessableEntity);
        var errors = problem.GetProperty("errors");
        foreach (var field in fields) Assert.True(errors.TryGetProperty(field, out _), $"Expected an error for '{field}' in {errors}.");
        return problem;
    }

    public static string Email() => $"u{Guid.NewGuid():N}@example.com";
}
