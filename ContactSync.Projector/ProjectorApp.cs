using ContactSync.Projector.Hosting;
using ContactSync.Projector.Schema;
using ContactSync.Projector.Sync;

namespace ContactSync.Projector;

/// <summary>Builds the projector service; <c>Program.cs</c> runs it, tests host it several times in one process.</summary>
public static class ProjectorApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults();
        builder.AddPostgresEventStore();
        builder.Services.AddOptions<ProjectorOptions>()
            .BindConfiguration(ProjectorOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        // After the event store's migrator (registered by AddPostgresEventStore), before the supervisors.
        builder.Services.AddHostedService<ReadModelMigrator>();
        builder.Services.AddSingleton<ProjectionSupervisor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProjectionSupervisor>());
        builder.Services.AddHealthChecks().AddCheck<ProjectorHealthCheck>("projector");
        builder.AddSyncWorkers();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapDefaultEndpoints();
        return app;
    }
}
