using System.Diagnostics.Metrics;
using ContactSync.EventStore.Postgres;
using ContactSync.Projector.Projections;
using Microsoft.Extensions.Options;

namespace ContactSync.Projector.Hosting;

/// <summary>Runs one <see cref="ProjectionSlot"/> per projection of the catalog and publishes their gauges.</summary>
internal sealed class ProjectionSupervisor : BackgroundService
{
    public const string MeterName = ProjectorTelemetry.Name;

    public ProjectionSupervisor(PostgresEventStore store, IOptions<ProjectorOptions> options, ILoggerFactory loggerFactory,
        TimeProvider time, IMeterFactory meterFactory)
    {
        Slots = [.. ProjectionCatalog.All.Select(d => new ProjectionSlot(d, store, options, loggerFactory, time))];
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("projector.lag", () => Measure(r => r.ApproximateLag),
            unit: "{event}", description: "Events between the projection's checkpoint and the head of $all.");
        meter.CreateObservableGauge("projector.position", () => Measure(r => (long)r.Position.Prepare),
            unit: "{event}", description: "Global position of the projection's checkpoint.");
    }

    public IReadOnlyList<ProjectionSlot> Slots { get; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Slots.Select(s => s.RunAsync(stoppingToken)));

    private IEnumerable<Measurement<long>> Measure(Func<EventStore.Projections.PostgresProjectionRunner, long> read)
    {
        foreach (var slot in Slots)
        {
            if (slot.Live is { IsOwner: true } live)
                yield return new Measurement<long>(read(live.Runner), new KeyValuePair<string, object?>("projection", slot.Name));
            if (slot.Rebuild is { IsOwner: true } rebuild)
                yield return new Measurement<long>(read(rebuild.Runner),
                    new KeyValuePair<string, object?>("projection", slot.Name), new KeyValuePair<string, object?>("rebuild", true));
        }
    }
}
