using ContactSync.EventStore.Postgres;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ContactSync.EventStore.Hosting;

/// <param name="ConnectionString">The connection the service works with.</param>
/// <param name="AdminConnectionString">An administrator's connection for migrations, or null.</param>
public sealed record EventStoreMigrationOptions(string ConnectionString, string? AdminConnectionString);

/// <summary>Creates or upgrades the event store schema when the host starts; the host fails to start if it cannot.</summary>
internal sealed partial class EventStoreMigrator(
    EventStoreMigrationOptions options, NpgsqlDataSource dataSource, ILogger<EventStoreMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        // The database may still be starting (launcher, container): retry connection failures for a while.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await MigrateAsync(ct);
                return;
            }
            catch (NpgsqlException e) when (e.IsTransient && attempt < 30)
            {
                Log.Retrying(logger, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    private async Task MigrateAsync(CancellationToken ct)
    {
        if (options.AdminConnectionString is { } admin)
        {
            var appRole = new NpgsqlConnectionStringBuilder(options.ConnectionString).Username
                ?? throw new InvalidOperationException("The events connection string must name its user when an admin connection string is given.");
            await PostgresEventStoreSchema.EnsureAsync(admin, appRole, ct: ct);
            // The application may create schemas of its own (read models) in the store's database.
            await using var conn = new NpgsqlConnection(admin);
            await conn.OpenAsync(ct);
            await using var grant = new NpgsqlCommand(
                $"DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO %I', current_database(), '{appRole.Replace("'", "''")}'); END $$;", conn);
            await grant.ExecuteNonQueryAsync(ct);
            Log.Migrated(logger, appRole);
        }
        else
        {
            await PostgresEventStoreSchema.EnsureAsync(dataSource, ct);
            Log.Migrated(logger, "the connecting user");
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Information, "Event store schema is up to date; the service works as {Role}")]
        public static partial void Migrated(ILogger logger, string role);

        [LoggerMessage(LogLevel.Warning, "Database not reachable yet (attempt {Attempt}): {Reason}")]
        public static partial void Retrying(ILogger logger, int attempt, string reason);
    }
}
