using ContactSync.Providers.Accounts;

namespace ContactSync.Projector.Sync;

public static class SyncHosting
{
    /// <summary>
    /// The sync workers: the supervisor, its lock session, the store and scope reads they use, and the provider accounts
    /// they open. <c>ContactSync:Sync:Enabled=false</c> leaves them out (a projector that only keeps read models, as some
    /// tests and benchmarks run it), so it needs no grant keys or provider configuration.
    /// </summary>
    public static IHostApplicationBuilder AddSyncWorkers(this IHostApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue(SyncOptions.SectionName + ":" + nameof(SyncOptions.Enabled), true)) return builder;
        builder.AddProviderAccounts();
        builder.Services.AddSingleton<OpenProvider>(sp => sp.GetRequiredService<ProviderSessions>().OpenAsync);
        builder.Services.AddOptions<SyncOptions>().BindConfiguration(SyncOptions.SectionName)
            .PostConfigure(o => o.PublicUrl ??= PublicUrl(builder.Configuration)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SyncLocks>();
        builder.Services.AddSingleton<SyncStore>();
        builder.Services.AddSingleton<CrmScope>();
        builder.Services.AddSingleton<SyncSupervisor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SyncSupervisor>());
        return builder;
    }

    public const string PublicUrlKey = "ContactSync:PublicUrl";

    private static Uri? PublicUrl(IConfiguration configuration)
    {
        if (configuration[PublicUrlKey] is not { Length: > 0 } value) return null;
        if (!Uri.TryCreate(value.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"{PublicUrlKey} must be an absolute http(s) address.");
        return uri;
    }
}
