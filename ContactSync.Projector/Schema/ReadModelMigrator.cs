using Npgsql;

namespace ContactSync.Projector.Schema;

/// <summary>Creates the read-model schema before the projections start; the host fails to start if it cannot.</summary>
internal sealed class ReadModelMigrator(NpgsqlDataSource dataSource) : IHostedService
{
    public Task StartAsync(CancellationToken ct) => ReadModelSchema.EnsureAsync(dataSource, ct);

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
