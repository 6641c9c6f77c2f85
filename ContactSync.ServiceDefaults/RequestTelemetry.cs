using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Gives ASP.NET Core's request spans what OpenTelemetry.Instrumentation.AspNetCore would (it is not available
/// here): the name <c>{method} {route}</c>, the HTTP semantic-convention tags and an error status for 5xx. Health
/// probes are not exported, so that polling does not flood the trace backend. Runs first in the pipeline.
/// </summary>
internal sealed class RequestTelemetryStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(EnrichAsync);
        next(app);
    };

    private static async Task EnrichAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<IHttpActivityFeature>()?.Activity is not { } activity)
        {
            await next(context);
            return;
        }
        var request = context.Request;
        if (request.Path.StartsWithSegments(ServiceDefaultsExtensions.HealthPath) || request.Path.StartsWithSegments(ServiceDefaultsExtensions.AlivePath))
        {
            // The SDK exports only activities whose data was requested.
            activity.IsAllDataRequested = false;
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            await next(context);
            return;
        }

        activity.SetTag("http.request.method", request.Method);
        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", request.Path.Value);
        activity.SetTag("server.address", request.Host.Host);
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            if (route is not null) activity.SetTag("http.route", route);
            activity.DisplayName = route is null ? request.Method : $"{request.Method} {route}";
            var status = context.Response.StatusCode;
            activity.SetTag("http.response.status_code", status);
            if (status >= 500) activity.SetStatus(ActivityStatusCode.Error);
        }
    }
}
