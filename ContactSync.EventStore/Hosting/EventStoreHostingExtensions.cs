using ContactSync.EventStore;
using ContactSync.EventStore.Hosting;
using ContactSync.EventStore.Postgres;
using ContactSync.EventStore.Subscriptions;
using ContactSync.EventStore.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the PostgreSQL event store in a service host (Aspire connection-string conventions).</summary>
public static class EventStoreHostingExtensions
{
    /// <summary>
    /// Registers <see cref="NpgsqlDataSource"/>, <see cref="PostgresEventStore"/>, <see cref="IEventStore"/> (traced),
    /// <see cref="ICheckpointStore"/>, a start-up migration and a health check, from
    /// <c>ConnectionStrings:{connectionName}</c>.
    /// </summary>
    /// <remarks>
    /// When <c>ConnectionStrings:{connectionName}-admin</c> is also set, the migration runs with it and sets up the
    /// append-only security model for the role of the main connection string (see
    /// <see cref="PostgresEventStoreSchema"/>); the service itself then works as that role, which cannot UPDATE or
    /// DELETE events. Without it, the connecting user creates and owns the schema (tests, simple set-ups).
    /// </remarks>
    public static IHostApplicationBuilder AddPostgresEventStore(this IHostApplicationBuilder builder, string connectionName = "events")
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not configured. Run the system with `dotnet run --project ContactSync.AppHost`, " +
                $"or set ConnectionStrings__{connectionName} to a PostgreSQL connection string.");
        var admin = builder.Configuration.GetConnectionString(connectionName + "-admin");

        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString) { Name = connectionName }.Build());
        builder.Services.AddSingleton(sp => new PostgresEventStore(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ILogger<PostgresEventStore>>()));
        builder.Services.AddSingleton<IEventStore>(sp => new TracedEventStore(sp.GetRequiredService<PostgresEventStore>()));
        builder.Services.AddSingleton<ICheckpointStore>(sp => new PostgresCheckpointStore(sp.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton(new EventStoreMigrationOptions(connectionString, string.IsNullOrWhiteSpace(admin) ? null : admin));
        // Registered first among hosted services so that the schema exists before anything that uses it starts.
        builder.Services.AddHostedService<EventStoreMigrator>();
        builder.Services.AddHealthChecks().AddCheck<EventStoreHealthCheck>("eventstore");
        return builder;
    }
}
