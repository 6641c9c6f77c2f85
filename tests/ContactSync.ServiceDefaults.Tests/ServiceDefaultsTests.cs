using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ContactSync.ServiceDefaults.Tests;

// The OTLP exporter reads its settings from environment variables, which are process-wide: one class, run alone.
[Collection(nameof(ServiceDefaultsTests))]
[CollectionDefinition(nameof(ServiceDefaultsTests), DisableParallelization = true)]
public sealed class ServiceDefaultsTests
{
    private static readonly ActivitySource Source = new("ContactSync.Probe");
    private static readonly Meter Meter = new("ContactSync.Probe");
    private static readonly Counter<long> Probes = Meter.CreateCounter<long>("contactsync.probe.calls");

    [Fact]
    public async Task Health_and_alive_answer_with_the_checks()
    {
        await using var app = await StartServiceAsync(otlp: null);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var doc = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", doc.RootElement.GetProperty("status").GetString());
        Assert.True(doc.RootElement.GetProperty("checks").TryGetProperty("self", out _));

        using var alive = await http.GetAsync("/alive");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task Traces_metrics_and_logs_go_out_over_OTLP_and_health_probes_are_not_traced()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using (var app = await StartServiceAsync(receiver.Address))
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            for (var i = 0; i < 3; i++) (await http.GetAsync("/health")).Dispose();
            using var response = await http.GetAsync("/probe");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            await WaitUntilAsync(() => receiver.Saw("/v1/traces", "probe-operation") && receiver.Saw("/v1/metrics", "contactsync.probe.calls"));
        }
        // Logs are batched; disposing the host flushes them.
        await WaitUntilAsync(() => receiver.Saw("/v1/logs", "Probe handled"));

        Assert.True(receiver.Saw("/v1/traces", "probe-service"), "the resource carries OTEL_SERVICE_NAME");
        // Server spans are named "{method} {route}"; the test's own HttpClient spans are named "GET" only.
        Assert.True(receiver.Saw("/v1/traces", "GET /probe"), "ASP.NET Core request spans are exported");
        Assert.True(receiver.Saw("/v1/traces", "http.route"), "server spans carry semantic-convention tags");
        // Three health probes and one /probe were served: only the /probe server span is exported.
        Assert.Equal(0, receiver.CountOf("/v1/traces", "Microsoft.AspNetCore.Hosting.HttpRequestIn"));
        Assert.Equal(1, receiver.CountOf("/v1/traces", "http.route"));
        Assert.True(receiver.Saw("/v1/metrics", "http.server.request.duration"), "ASP.NET Core metrics are exported");
        Assert.True(receiver.Saw("/v1/metrics", "dotnet.gc"), "runtime metrics are exported");
    }

    [Fact]
    public async Task A_named_service_is_found_through_the_Aspire_reference_and_the_trace_context_goes_with_the_call()
    {
        await using var target = await StartServiceAsync(otlp: null);
        var builder = WebApplication.CreateBuilder(["--environment", "Development", "--services:probe:http:0", target.Urls.First()]);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        builder.Services.AddHttpClient("probe", c => c.BaseAddress = new Uri("http://probe"));
        await using var caller = builder.Build();

        using var client = caller.Services.GetRequiredService<IHttpClientFactory>().CreateClient("probe");
        using var activity = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
        var echoed = await client.GetStringAsync("/traceparent");

        Assert.Contains(activity.TraceId.ToHexString(), echoed);
    }

    private static async Task<WebApplication> StartServiceAsync(Uri? otlp)
    {
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", otlp?.ToString().TrimEnd('/'));
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL", otlp is null ? null : "http/protobuf");
        Environment.SetEnvironmentVariable("OTEL_METRIC_EXPORT_INTERVAL", otlp is null ? null : "200");
        Environment.SetEnvironmentVariable("OTEL_BSP_SCHEDULE_DELAY", otlp is null ? null : "200");
        Environment.SetEnvironmentVariable("OTEL_BLRP_SCHEDULE_DELAY", otlp is null ? null : "200");

        var builder = WebApplication.CreateBuilder(["--environment", "Development", "--OTEL_SERVICE_NAME", "probe-service"]);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGet("/probe", (ILogger<ServiceDefaultsTests> logger) =>
        {
            using var activity = Source.StartActivity("probe-operation");
            Probes.Add(1);
            logger.LogInformation("Probe handled");
            return "ok";
        });
        app.MapGet("/traceparent", (HttpRequest request) => request.Headers.TraceParent.ToString());
        await app.StartAsync();
        return app;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the OTLP export");
            await Task.Delay(50);
        }
    }
}
