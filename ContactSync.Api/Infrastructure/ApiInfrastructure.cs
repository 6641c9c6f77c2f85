using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;

namespace ContactSync.Api.Infrastructure;

/// <summary>Cross-cutting HTTP behaviour of the API: JSON, request limits, problem details, OpenAPI.</summary>
public static class ApiInfrastructure
{
    /// <summary>Largest accepted request body. Bigger bodies answer 413 before any handler runs.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static IHostApplicationBuilder AddApiInfrastructure(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<JsonOptions>(o => Configure(o.SerializerOptions));
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o =>
            o.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        // Binding failures (malformed JSON, wrong types) throw so that the handler can say what was wrong.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddApiOpenApi();
        return builder;
    }

    public static WebApplication UseApiInfrastructure(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.DocumentTitle = "ContactSync API";
            o.SwaggerEndpoint("/openapi/v1.json", "ContactSync API v1");
        });
        return app;
    }

    /// <summary>The API's JSON conventions: camelCase, enums as strings, bounded depth (deeply nested
    /// hostile bodies fail fast with 400 instead of consuming the stack).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.MaxDepth = 32;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
    }
}
