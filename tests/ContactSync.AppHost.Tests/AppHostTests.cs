using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace ContactSync.AppHost.Tests;

/// <summary>
/// The whole AppHost as <c>dotnet run --project ContactSync.AppHost</c> starts it (the dashboard off), on ports and a
/// data folder of its own, so that it can never reach a developer's running system and pass falsely.
/// </summary>
public sealed class AppHostTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Every_resource_becomes_healthy_and_the_api_answers_the_operator_and_the_demo_tenant()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var data = Directory.CreateTempSubdirectory("contactsync-apphost-");
        // Created 0700; as root the server runs as the postgres user, which must reach its folders inside.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(data.FullName, (UnixFileMode)0b111_101_101);
        var operatorKey = "op_" + System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var ports = new Dictionary<string, int> { ["postgres"] = FreePort(), ["sandbox"] = FreePort(), ["projector"] = FreePort(), ["api"] = FreePort() };
        string[] args =
        [
            $"--ContactSync:DataDirectory={data.FullName}",
            $"--ContactSync:ResourcesFile={Path.Combine(data.FullName, "resources.json")}",
            $"--ContactSync:OperatorKey={operatorKey}",
            .. ports.Select(p => $"--ContactSync:Ports:{p.Key}={p.Value}"),
        ];
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ContactSync_AppHost>(args, ct);
            await using var app = await builder.BuildAsync(ct);
            // StartAsync waits on WaitFor until cancelled when a resource dies: the timeout token ends that.
            await app.StartAsync(ct);
            foreach (var resource in new[] { "postgres", "sandbox", "projector", "api" })
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, ct);

            using var http = app.CreateHttpClient("api");
            Assert.Equal($"http://localhost:{ports["api"]}/", http.BaseAddress!.ToString());
            using (var health = await http.GetAsync("/health", ct))
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);

            using var status = new HttpRequestMessage(HttpMethod.Get, "/api/ops/status");
            status.Headers.Authorization = new AuthenticationHeaderValue("Bearer", operatorKey);
            using (var answer = await http.SendAsync(status, ct))
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

            // The demo is seeded once the API is ready, and its key lands in the resources file.
            var demoKey = await WaitForDemoKeyAsync(Path.Combine(data.FullName, "resources.json"), ct);
            using var me = new HttpRequestMessage(HttpMethod.Get, "/api/users/me");
            me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", demoKey);
            using (var answer = await http.SendAsync(me, ct))
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

            await app.StopAsync(ct);
        }
        finally
        {
            await DeleteWhenFreeAsync(data, ct);
        }
    }

    private static async Task<string> WaitForDemoKeyAsync(string file, CancellationToken ct)
    {
        while (true)
        {
            if (File.Exists(file))
            {
                try
                {
                    using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(file, ct));
                    if (doc.RootElement.TryGetProperty("demo", out var demo)) return demo.GetProperty("apiKey").GetString()!;
                }
                catch (JsonException)
                {
                    // Read while it was being written: look again.
                }
            }
            await Task.Delay(100, ct);
        }
    }

    /// <summary>The server's files belong to the postgres user when the tests run as root; they go once it has stopped.</summary>
    private static async Task DeleteWhenFreeAsync(DirectoryInfo data, CancellationToken ct)
    {
        var pid = Path.Combine(data.FullName, "postgres", "postmaster.pid");
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(ct);
        grace.CancelAfter(TimeSpan.FromSeconds(20));
        while (File.Exists(pid) && !grace.IsCancellationRequested)
            await Task.Delay(100, CancellationToken.None);
        data.Delete(recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
