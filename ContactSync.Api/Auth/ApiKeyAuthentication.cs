using System.Globalization;
using ContactSync.Api.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace ContactSync.Api.Auth;

/// <summary>
/// Every <c>/api</c> request needs <c>Authorization: Bearer &lt;key&gt;</c>: the middleware resolves the caller
/// (stored as a request feature for handlers, authorization filters and the per-tenant rate limiter) or answers
/// 401. Paths outside <c>/api</c> (OpenAPI, explorer, health) and endpoints marked <c>AllowAnonymous</c> are public.
/// Refused keys count against the client's address (<see cref="AuthFailureLimiter"/>): past the limit a refused key
/// gets 429 instead of 401; a valid key is never refused.
/// </summary>
public static class ApiKeyAuthentication
{
    public static IHostApplicationBuilder AddApiKeyAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiKeyAuthenticator>();
        builder.Services.AddSingleton<AuthFailureLimiter>();
        return builder;
    }

    public static WebApplication UseApiKeyAuthentication(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            // An OAuth callback comes from the user's browser on the provider's redirect, without a key; its state names the caller.
            if (!context.Request.Path.StartsWithSegments("/api") || context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                await next(context);
                return;
            }
            var key = PresentedKey(context);
            var caller = key is null ? null : await AuthenticateAsync(context, key);
            if (caller is null)
            {
                // Only a key that was presented and refused counts: a request without one guesses nothing.
                var failures = context.RequestServices.GetRequiredService<AuthFailureLimiter>();
                var address = context.Connection.RemoteIpAddress;
                var limited = key is null ? null : failures.RetryAfter(address);
                if (key is not null) failures.Failed(address);
                if (limited is { } wait)
                {
                    context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    await WriteProblemAsync(context, 429, "Too many requests",
                        "Too many requests with an invalid API key came from this address; retry after the time in Retry-After.", "auth.too-many-failures");
                    return;
                }
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await WriteProblemAsync(context, 401, "Unauthorized", "Send a valid API key as 'Authorization: Bearer <key>'.");
                return;
            }
            context.Features.Set(caller);
            await next(context);
        });
        return app;
    }

    private static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail, string? code = null)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Type = ProblemTypes.For(status), Detail = detail };
        if (code is not null) problem.Extensions["code"] = code;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
        });
    }

    /// <summary>The bearer key sent, or null when the request carries none.</summary>
    private static string? PresentedKey(HttpContext context)
    {
        var header = context.Request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return null;
        var key = value[7..].Trim();
        return key.Length == 0 ? null : key;
    }

    private static async ValueTask<Caller?> AuthenticateAsync(HttpContext context, string key) =>
        key.Length > 256 ? null : await context.RequestServices.GetRequiredService<ApiKeyAuthenticator>().AuthenticateAsync(key, context.RequestAborted);
}
