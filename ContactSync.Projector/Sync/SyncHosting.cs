using Microsoft.Extensions.Options;

namespace ContactSync.Projector.Sync;

public static class SyncHosting
{
    /// <summary>The sync workers: the supervisor, its lock session, the store and scope reads they use.</summary>
    public static IHostApplicationBuilder AddSyncWorkers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SyncOptions>().BindConfiguration(SyncOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SyncLocks>();
        builder.Services.AddSingleton<SyncStore>();
        builder.Services.AddSingleton<CrmScope>();
        builder.Services.AddSingleton<SyncSupervisor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SyncSupervisor>());
        return builder;
    }
}
