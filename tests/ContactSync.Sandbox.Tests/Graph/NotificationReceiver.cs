using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ContactSync.Sandbox.Tests.Graph;

/// <summary>A tiny webhook receiver on a free port: answers the validation handshake (or not) and records
/// every notification it gets.</summary>
public sealed class NotificationReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentQueue<JsonObject> Notifications { get; } = new();
    public ConcurrentQueue<string> ValidationTokens { get; } = new();

    /// <summary>When set, validation answers wait for it (to hold requests in flight).</summary>
    public TaskCompletionSource? Gate { get; set; }
    public bool EchoValidation { get; set; } = true;
    public string Url { get; }

    private NotificationReceiver(WebApplication app)
    {
        _app = app;
        Url = app.Urls.First().TrimEnd('/') + "/hook";
    }

    public static async Task<NotificationReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        NotificationReceiver? receiver = null;
        app.MapPost("/hook", async (HttpContext ctx) =>
        {
            var r = receiver!;
            if (ctx.Request.Query["validationToken"].FirstOrDefault() is { } token)
            {
                r.ValidationTokens.Enqueue(token);
                if (r.Gate is { } gate) await gate.Task;
                return r.EchoValidation ? Results.Text(token, "text/plain") : Results.Text("nope", "text/plain");
            }
            var body = await JsonNode.ParseAsync(ctx.Request.Body);
            foreach (var item in body!["value"]!.AsArray()) r.Notifications.Enqueue(item!.AsObject());
            return Results.Accepted();
        });
        await app.StartAsync();
        receiver = new NotificationReceiver(app);
        return receiver;
    }

    public async Task<List<JsonObject>> WaitForAsync(Func<JsonObject, bool> match, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var hits = Notifications.Where(match).ToList();
            if (hits.Count >= count) return hits;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Expected {count} notifications, got {hits.Count}.");
            await Task.Delay(20);
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
