using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults every ContactSync service shares: OpenTelemetry (traces, metrics, logs), health checks and
/// RFC 9457 problem details. Modelled on the Aspire service-defaults template; OpenTelemetry.Extensions.Hosting
/// is not available on the build machines, so the providers are built with the core SDK and started by a
/// hosted service.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Health paths, kept out of traces.</summary>
    public const string HealthPath = "/health";

    /// <summary>Liveness path (checks tagged <c>live</c>).</summary>
    public const string AlivePath = "/alive";

    /// <summary>Adds telemetry, health checks and problem details.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.AddProblemDetails();
        return builder;
    }

    /// <summary>Configures OpenTelemetry tracing, metrics and logging, exported over OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.</summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured
            ? configured
            : builder.Environment.ApplicationName;
        var otlp = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var useOtlp = !string.IsNullOrWhiteSpace(otlp);
        var alwaysSample = builder.Environment.IsDevelopment();

        void ConfigureResource(ResourceBuilder r) => r.AddService(serviceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            var resource = ResourceBuilder.CreateDefault();
            ConfigureResource(resource);
            logging.SetResourceBuilder(resource);
            if (useOtlp) logging.AddOtlpExporter();
        });

        builder.Services.AddSingleton(_ =>
        {
            // Without an exporter nothing listens, so no span is recorded for nothing on hot paths.
            var tracing = Sdk.CreateTracerProviderBuilder()
                .ConfigureResource(ConfigureResource)
                .AddSource(useOtlp ? ["Microsoft.AspNetCore", "System.Net.Http", "ContactSync.*"] : [])
                .SetSampler(alwaysSample ? new AlwaysOnSampler() : new ParentBasedSampler(new AlwaysOnSampler()));
            if (useOtlp) tracing.AddOtlpExporter();
            return tracing.Build();
        });
        builder.Services.AddSingleton(_ =>
        {
            var metrics = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(ConfigureResource)
                .AddMeter(useOtlp ? ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime", "ContactSync.*"] : []);
            if (useOtlp) metrics.AddOtlpExporter();
            return metrics.Build();
        });
        builder.Services.AddHostedService<TelemetryStarter>();
        builder.Services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, RequestTelemetryStartupFilter>();
        return builder;
    }

    /// <summary>Maps <c>/health</c> (every check) and <c>/alive</c> (checks tagged <c>live</c>).</summary>
    /// <remarks>Health endpoints can reveal internals; they are mapped in Development or when
    /// <c>ContactSync:ExposeHealth</c> is true (the launcher sets it), as in the eShop template.</remarks>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        if (app.Environment.IsDevelopment() || app.Configuration.GetValue("ContactSync:ExposeHealth", true))
        {
            app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync });
            app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        }
        return app;
    }
}
