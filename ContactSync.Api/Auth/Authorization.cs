using ContactSync.Api.Infrastructure;

namespace ContactSync.Api.Auth;

/// <summary>
/// Who may call an endpoint, as endpoint filters on route groups or single routes. The operator key may only
/// create tenants and use <c>/api/ops</c>, which is the operator's alone (tenant admins see their own tenant, never
/// the whole system); tenant users may not create tenants; admin-only operations refuse other users with 403.
/// </summary>
public static class Authorization
{
    private const string OperatorRefused = "The operator key may only create tenants and use /api/ops.";

    public static TBuilder RequireUser<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Require(c => c.IsOperator ? OperatorRefused : null);

    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Require(c => c.IsOperator ? OperatorRefused : c.IsAdmin ? null : "Only tenant admins may do this.");

    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Require(c => c.IsOperator ? null : "Only the operator key may do this.");

    private static TBuilder Require<TBuilder>(this TBuilder builder, Func<Caller, string?> refusal) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (ctx, next) =>
        {
            // The authentication middleware guarantees a caller on every /api route.
            var caller = ctx.HttpContext.Features.Get<Caller>()!;
            return refusal(caller) is { } why ? Problems.Forbidden(why) : await next(ctx);
        });
        return builder;
    }
}
