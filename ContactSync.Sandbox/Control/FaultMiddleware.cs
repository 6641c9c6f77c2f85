using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace ContactSync.Sandbox.Control;

/// <summary>
/// Injects the configured faults into provider API calls, enforces per-mailbox concurrency limits and
/// counts every provider request by endpoint and status. OAuth paths are never faulted so that tests of
/// fault tolerance are about the API, not sign-in.
/// </summary>
public static class FaultMiddleware
{
    public static WebApplication UseSandboxFaults(this WebApplication app)
    {
        var inFlight = new ConcurrentDictionary<string, int>();
        app.Use(async (context, next) =>
        {
            var control = context.RequestServices.GetRequiredService<SandboxControl>();
            if (control.Owner(context.Request.Path) is not { } emulator)
            {
                await next(context);
                return;
            }

            var faults = control.FaultsFor(emulator.Provider);
            var isOAuth = IsOAuthPath(context.Request.Path);
            string? limitKey = null;
            try
            {
                if (!isOAuth)
                {
                    if (faults.LatencyMs > 0) await Task.Delay(faults.LatencyMs, context.RequestAborted);
                    if (Roll(faults.Status429Rate))
                    {
                        await emulator.WriteFaultAsync(context, 429, TimeSpan.FromSeconds(faults.RetryAfterSeconds));
                        return;
                    }
                    if (Roll(faults.Status5xxRate))
                    {
                        var status = Random.Shared.Next(2) == 0 ? 500 : 503;
                        await emulator.WriteFaultAsync(context, status, status == 503 ? TimeSpan.FromSeconds(faults.RetryAfterSeconds) : null);
                        return;
                    }
                    if (faults.EnforceConcurrencyLimit && emulator.ConcurrencyLimit > 0 && emulator.ConcurrencyKey(context) is { } key)
                    {
                        var now = inFlight.AddOrUpdate(key, 1, (_, n) => n + 1);
                        limitKey = key;
                        if (now > emulator.ConcurrencyLimit)
                        {
                            await emulator.WriteFaultAsync(context, 429, TimeSpan.FromSeconds(faults.RetryAfterSeconds));
                            return;
                        }
                    }
                    if (Roll(faults.ResetRate))
                    {
                        await DropMidResponseAsync(context);
                        return;
                    }
                }
                await next(context);
            }
            finally
            {
                if (limitKey is not null) inFlight.AddOrUpdate(limitKey, 0, (_, n) => n - 1);
                var endpoint = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
                control.Record(emulator.Provider, $"{context.Request.Method} {endpoint}", context.Response.StatusCode);
            }
        });
        return app;
    }

    private static bool IsOAuthPath(PathString path) =>
        path.StartsWithSegments("/o/oauth2") || path.StartsWithSegments("/token") ||
        (path.Value?.Contains("/oauth2/v2.0/", StringComparison.Ordinal) ?? false);

    private static bool Roll(double rate) => rate > 0 && Random.Shared.NextDouble() < rate;

    /// <summary>Sends headers and part of a body, then aborts the connection: the client sees a truncated
    /// response, as when a proxy or the network drops it.</summary>
    private static async Task DropMidResponseAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = 4096;
        await context.Response.WriteAsync("{\"partial\":", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Abort();
        throw new ConnectionAbortedException("Sandbox fault: connection dropped mid-response.");
    }
}
