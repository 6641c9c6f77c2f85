using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ContactSync.EventStore.Hosting;

/// <summary>Healthy when the store answers a head-of-log query.</summary>
internal sealed class EventStoreHealthCheck(IEventStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var head = await store.GetHeadPositionAsync(ct);
            return HealthCheckResult.Healthy(data: new Dictionary<string, object> { ["head"] = head.ToString() });
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The event store database is unreachable.", e);
        }
    }
}
