using System.Net;

namespace ContactSync.Sandbox.Tests.Google;

/// <summary>Faults injected through <c>/_sandbox/faults</c>; each test sets them in this class's own sandbox.
/// Tests in one class run one after another, so the settings do not leak between them.</summary>
public sealed class GoogleFaultTests(GoogleSandboxFixture sandbox) : IClassFixture<GoogleSandboxFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() =>
        await sandbox.Http.PostJsonAsync("_sandbox/faults", new { provider = "google", status429Rate = 0, status5xxRate = 0, latencyMs = 0, resetRate = 0 });

    [Fact]
    public async Task Throttling_is_429_RESOURCE_EXHAUSTED_with_Retry_After_and_RATE_LIMIT_EXCEEDED()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        await sandbox.Http.PostJsonAsync("_sandbox/faults", new { provider = "google", status429Rate = 1.0, retryAfterSeconds = 7 });

        using var response = await client.GetAsync("v1/people/me/connections?personFields=names");
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        GoogleApi.AssertGoogleError(response.StatusCode, body, 429, "RESOURCE_EXHAUSTED", "RATE_LIMIT_EXCEEDED");
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        var metadata = body.GetProperty("error").GetProperty("details")[0].GetProperty("metadata");
        Assert.Equal("people.googleapis.com/read_requests", metadata.GetProperty("quota_metric").GetString());
    }

    [Fact]
    public async Task Server_faults_are_500_INTERNAL_or_503_UNAVAILABLE_in_Google_format()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        await sandbox.Http.PostJsonAsync("_sandbox/faults", new { provider = "google", status5xxRate = 1.0 });

        var seen = new HashSet<int>();
        for (var i = 0; i < 40 && seen.Count < 2; i++)
        {
            var (status, body) = await client.GetJsonAsync("v1/people/me/connections?personFields=names");
            GoogleApi.AssertGoogleError(status, body, (int)status, status == HttpStatusCode.InternalServerError ? "INTERNAL" : "UNAVAILABLE");
            seen.Add((int)status);
        }

        Assert.Equal([500, 503], seen.Order());
    }

    [Fact]
    public async Task OAuth_endpoints_are_never_faulted_and_stats_count_the_faults()
    {
        var (email, client) = await sandbox.NewAccountAsync();
        await sandbox.Http.PostJsonAsync("_sandbox/faults", new { provider = "google", status429Rate = 1.0 });

        using var authorize = await sandbox.Http.GetAsync($"o/oauth2/v2/auth?client_id=c&redirect_uri={Uri.EscapeDataString("http://127.0.0.1:9/cb")}&response_type=code&login_hint={Uri.EscapeDataString(email)}");
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetJsonAsync("v1/contactGroups")).Status);

        var (_, stats) = await sandbox.Http.GetJsonAsync("_sandbox/stats");
        Assert.Contains(stats.Items("items"), s => s.GetProperty("provider").GetString() == "google" && s.GetProperty("status").GetInt32() == 429);
    }
}
