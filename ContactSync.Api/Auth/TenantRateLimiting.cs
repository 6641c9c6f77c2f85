using System.Globalization;
using System.Threading.RateLimiting;
using ContactSync.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ContactSync.Api.Auth;

/// <summary>
/// One token bucket per tenant (the operator has its own), sized by <see cref="ApiOptions"/>; an empty bucket
/// answers 429 with Retry-After. Runs after authentication, so the partition is the caller's tenant.
/// </summary>
public static class TenantRateLimiting
{
    public static IHostApplicationBuilder AddTenantRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<ApiOptions>>((o, api) =>
        {
            var burst = api.Value.RateLimitBurst;
            var perSecond = api.Value.RateLimitPerSecond;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, Guid>(context =>
                context.Features.Get<Caller>() is { } caller
                    ? RateLimitPartition.GetTokenBucketLimiter(caller.TenantId, // the operator's is Guid.Empty
                        _ => new TokenBucketRateLimiterOptions
                        {
                            TokenLimit = burst,
                            TokensPerPeriod = perSecond,
                            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                            QueueLimit = 0,
                            AutoReplenishment = true,
                        })
                    : RateLimitPartition.GetNoLimiter(Guid.AllBitsSet)); // public paths: one shared, unlimited partition
            o.OnRejected = OnRejectedAsync;
        });
        return builder;
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = 429, Title = "Too many requests", Type = ProblemTypes.For(429),
                Detail = "This tenant's request rate limit is exhausted; retry after the time in Retry-After.",
            },
        });
    }
}
