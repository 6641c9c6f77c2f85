using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Resolving the providers is what makes them listen; the container disposes (and so flushes) them on shutdown.
/// </summary>
internal sealed class TelemetryStarter(TracerProvider tracing, MeterProvider metrics) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(tracing);
        GC.KeepAlive(metrics);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        tracing.ForceFlush(2000);
        metrics.ForceFlush(2000);
        return Task.CompletedTask;
    }
}
