using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ContactSync.Sandbox.Tests.Google;

/// <summary>Extensions for calling the emulator over plain HTTP and reading Google's JSON.</summary>
public static class GoogleApi
{
    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendJsonAsync(this HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static Task<(HttpStatusCode Status, JsonElement Body)> GetJsonAsync(this HttpClient client, string path) => client.SendJsonAsync(HttpMethod.Get, path);

    public static Task<(HttpStatusCode Status, JsonElement Body)> PostJsonAsync(this HttpClient client, string path, object body) => client.SendJsonAsync(HttpMethod.Post, path, body);

    public static Task<(HttpStatusCode Status, JsonElement Body)> PatchJsonAsync(this HttpClient client, string path, object body) => client.SendJsonAsync(HttpMethod.Patch, path, body);

    /// <summary>Creates a contact with a given name and returns its resource name and etag.</summary>
    public static async Task<(string ResourceName, string Etag)> CreateContactAsync(this HttpClient client, string givenName, object? extra = null)
    {
        var (status, body) = await client.PostJsonAsync("v1/people:createContact?personFields=names",
            extra ?? new { names = new[] { new { givenName } } });
        Assert.Equal(HttpStatusCode.OK, status);
        return (body.GetProperty("resourceName").GetString()!, body.GetProperty("etag").GetString()!);
    }

    /// <summary>Asserts Google's error shape: {"error":{code,message,status,details?}}.</summary>
    public static void AssertGoogleError(HttpStatusCode actual, JsonElement body, int code, string status, string? reason = null)
    {
        Assert.Equal(code, (int)actual);
        var error = body.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.Equal(status, error.GetProperty("status").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        if (reason is not null)
        {
            var detail = error.GetProperty("details").EnumerateArray().Single();
            Assert.Equal("type.googleapis.com/google.rpc.ErrorInfo", detail.GetProperty("@type").GetString());
            Assert.Equal(reason, detail.GetProperty("reason").GetString());
            Assert.Equal("people.googleapis.com", detail.GetProperty("domain").GetString());
        }
    }

    public static IEnumerable<JsonElement> Items(this JsonElement body, string property) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(property, out var list) ? list.EnumerateArray() : [];
}
