using ContactSync.EventStore.Projections;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ContactSync.Projector.Hosting;

/// <summary>
/// Unhealthy when a projection this instance owns has faulted; Degraded while one catches up or lags more than
/// <see cref="ProjectorOptions.MaxLag"/>. A standby instance is healthy: it is ready to take over.
/// </summary>
internal sealed class ProjectorHealthCheck(ProjectionSupervisor supervisor, IOptions<ProjectorOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var data = new Dictionary<string, object>();
        var faulted = new List<string>();
        var behind = new List<string>();
        foreach (var slot in supervisor.Slots)
        {
            if (slot.Live is not { } live)
            {
                data[slot.Name] = "starting";
                behind.Add(slot.Name);
                continue;
            }
            var runner = live.Runner;
            data[slot.Name] = $"v{live.Version} {runner.State} position {runner.Position.Prepare} head {runner.Head.Prepare}" +
                (slot.Rebuild is { } r ? $"; rebuilding v{r.Version} at {r.Runner.Position.Prepare}" : "");
            if (runner.State == ProjectionState.Faulted) faulted.Add(slot.Name);
            else if (live.IsOwner && (runner.State == ProjectionState.CatchingUp || runner.ApproximateLag > options.Value.MaxLag))
                behind.Add(slot.Name);
        }
        return Task.FromResult(
            faulted.Count > 0 ? HealthCheckResult.Unhealthy($"Faulted: {string.Join(", ", faulted)}", data: data)
            : behind.Count > 0 ? HealthCheckResult.Degraded($"Catching up: {string.Join(", ", behind)}", data: data)
            : HealthCheckResult.Healthy(data: data));
    }
}
