using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ContactSync.Api.Infrastructure;

/// <summary>The OpenAPI document's shared parts: the conventions text, the bearer scheme, problem responses.</summary>
public static class OpenApiSetup
{
    private const string Description = """
        The ContactSync REST API. Authenticate every /api call with `Authorization: Bearer <api key>`; the operator
        key may only create tenants and use /api/ops (the operator's alone: tenant users and admins get 403 there).

        Errors are `application/problem+json` (RFC 9457) with `type`, `title`, `status`, `detail`, `traceId`.
        **Validation problems are always 422** with `errors` (field path → messages), for bodies, query values,
        cursors and ids in bodies alike; 400 is only for a body that is not JSON (or not the JSON shape of a typed
        body). 401 no or bad key, 403 not allowed, 404 missing or not visible, 409 state conflict (rule codes in
        `code`), 412 If-Match mismatch, 413 body over 1 MiB, 415 not JSON, 429 per-tenant rate limit (Retry-After).

        Writes answer `X-Log-Position`; every GET accepts `?minPosition=` with that value and waits (bounded) until
        the read models include it. Writes already wait for the read models they affect, so a client that writes
        then reads sees its write.

        Operations (operator key only): /api/ops/status shows every projection's lag and every connection across
        tenants (ids, states, progress, errors, request counts; never contact data). A connection's `lag` is the
        seconds since its last finished run (since its creation before the first), null while it is ready or
        disconnected. `throttling` holds cumulative provider request totals; rates are the deltas between polls.
        """;

    public static IServiceCollection AddApiOpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "ContactSync API";
            document.Info.Description = Description;
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API key: csk_<key id>_<secret>, or the operator key.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
            return Task.CompletedTask;
        });
        o.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<MinPositionMetadata>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "minPosition", In = ParameterLocation.Query, Required = false,
                    Description = "Wait (bounded) until the read models include this X-Log-Position.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
            return Task.CompletedTask;
        });
    });

    /// <summary>The problems any authenticated endpoint can answer.</summary>
    public static TBuilder WithStandardProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in new[] { 400, 401, 403, 404, 409, 413, 415, 429 })
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
        return builder;
    }

    public static RouteHandlerBuilder ProducesValidation(this RouteHandlerBuilder builder) =>
        builder.ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
}
