using ContactSync.EventStore;

namespace ContactSync.Api.Infrastructure;

/// <summary>
/// The consistency contract at the HTTP edge: a write waits (bounded) for the projections its later reads use
/// and answers <c>X-Log-Position</c>; a read given <c>?minPosition=</c> waits the same way before reading.
/// </summary>
public static class ReadYourWrites
{
    public static IHostApplicationBuilder AddReadYourWrites(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ProjectionWaiter>();
        return builder;
    }

    /// <summary>Waits for <paramref name="projections"/> to include the write, then sets the header.</summary>
    public static async Task AfterWriteAsync(this HttpContext context, Position position, params IReadOnlyList<string> projections)
    {
        await context.RequestServices.GetRequiredService<ProjectionWaiter>().WaitAsync(position, projections, context.RequestAborted);
        context.Response.Headers[LogPosition.Header] = LogPosition.Format(position);
    }

    /// <summary>Adds the <c>?minPosition=</c> wait to a read endpoint; an unreadable value is a 422.</summary>
    public static RouteHandlerBuilder WaitsForMinPosition(this RouteHandlerBuilder builder, params string[] projections) =>
        builder.WithMetadata(new MinPositionMetadata()).AddEndpointFilter(async (ctx, next) =>
        {
            var raw = ctx.HttpContext.Request.Query["minPosition"];
            if (raw.Count == 0) return await next(ctx);
            if (raw.Count > 1 || !LogPosition.TryParse(raw[0], out var position))
                return Problems.Validation("minPosition", "Must be a log position as returned in X-Log-Position (commit.prepare).");
            await ctx.HttpContext.RequestServices.GetRequiredService<ProjectionWaiter>()
                .WaitAsync(position, projections, ctx.HttpContext.RequestAborted);
            return await next(ctx);
        });
}

/// <summary>Marks endpoints that accept <c>?minPosition=</c> (the OpenAPI document lists the parameter).</summary>
public sealed class MinPositionMetadata;
