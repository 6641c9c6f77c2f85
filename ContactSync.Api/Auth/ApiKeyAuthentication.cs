using ContactSync.Api.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace ContactSync.Api.Auth;

/// <summary>
/// Every <c>/api</c> request needs <c>Authorization: Bearer &lt;key&gt;</c>: the middleware resolves the caller
/// (stored as a request feature for handlers, authorization filters and the per-tenant rate limiter) or answers
/// 401. Paths outside <c>/api</c> (OpenAPI, explorer, health) and endpoints marked <c>AllowAnonymous</c> are public.
/// </summary>
public static class ApiKeyAuthentication
{
    public static IHostApplicationBuilder AddApiKeyAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiKeyAuthenticator>();
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
            var caller = await AuthenticateAsync(context);
            if (caller is null)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = 401, Title = "Unauthorized", Type = ProblemTypes.For(401),
                        Detail = "Send a valid API key as 'Authorization: Bearer <key>'.",
                    },
                });
                return;
            }
            context.Features.Set(caller);
            await next(context);
        });
        return app;
    }

    private static async ValueTask<Caller?> AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return null;
        var key = value[7..].Trim();
        if (key.Length is 0 or > 256) return null;
        return await context.RequestServices.GetRequiredService<ApiKeyAuthenticator>().AuthenticateAsync(key, context.RequestAborted);
    }
}
