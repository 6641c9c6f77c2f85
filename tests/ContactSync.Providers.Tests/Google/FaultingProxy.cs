using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ContactSync.Providers.Tests.Google;

/// <summary>
/// A pass-through HTTP proxy in front of the sandbox for the faults the sandbox cannot make itself: an answer
/// lost after the request was applied (forward, then drop the connection), and answers of other Google
/// deployments (a 410 for an expired sync token).
/// </summary>
public sealed class FaultingProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly ConcurrentQueue<Rule> _rules = new();

    private FaultingProxy(WebApplication app, Uri upstream)
    {
        _app = app;
        _upstream = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = upstream };
        app.Run(HandleAsync);
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>How many rules have fired.</summary>
    public int Fired => _fired;

    private int _fired;

    public static async Task<FaultingProxy> StartAsync(Uri upstream)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var proxy = new FaultingProxy(builder.Build(), upstream);
        await proxy._app.StartAsync();
        proxy.BaseAddress = new Uri(proxy._app.Urls.First().TrimEnd('/') + "/");
        return proxy;
    }

    /// <summary>Forwards the next matching request, then drops the connection instead of answering.</summary>
    public void LoseAnswerOnce(Func<HttpRequest, bool> match) => _rules.Enqueue(new Rule(match, null, null));

    /// <summary>Answers the next matching request itself, without forwarding it.</summary>
    public void AnswerOnce(Func<HttpRequest, bool> match, int status, string json) => _rules.Enqueue(new Rule(match, status, json));

    private async Task HandleAsync(HttpContext context)
    {
        var rule = _rules.FirstOrDefault(r => !r.Used && r.Match(context.Request));
        if (rule is not null && Interlocked.Exchange(ref rule.UsedFlag, 1) == 0)
        {
            Interlocked.Increment(ref _fired);
            if (rule.Status is { } status)
            {
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json; charset=UTF-8";
                await context.Response.WriteAsync(rule.Json!);
                return;
            }
        }
        else rule = null;

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path.Value!.TrimStart('/') + context.Request.QueryString);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            request.Content = new ByteArrayContent(body.ToArray());
        }
        foreach (var (name, value) in context.Request.Headers)
        {
            if (name is "Host" or "Content-Length" or "Transfer-Encoding") continue;
            if (!request.Headers.TryAddWithoutValidation(name, value.ToArray())) request.Content?.Headers.TryAddWithoutValidation(name, value.ToArray());
        }
        using var response = await _upstream.SendAsync(request);
        var payload = await response.Content.ReadAsByteArrayAsync();
        if (rule is not null)
        {
            context.Abort();
            return;
        }
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, value) in response.Headers.Concat(response.Content.Headers))
            if (name is not ("Transfer-Encoding" or "Content-Length")) context.Response.Headers[name] = value.ToArray();
        await context.Response.Body.WriteAsync(payload);
    }

    public async ValueTask DisposeAsync()
    {
        _upstream.Dispose();
        await _app.DisposeAsync();
    }

    private sealed class Rule(Func<HttpRequest, bool> match, int? status, string? json)
    {
        public int UsedFlag;
        public Func<HttpRequest, bool> Match { get; } = match;
        public int? Status { get; } = status;
        public string? Json { get; } = json;
        public bool Used => Volatile.Read(ref UsedFlag) == 1;
    }
}
