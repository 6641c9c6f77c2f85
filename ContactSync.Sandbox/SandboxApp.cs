using ContactSync.Sandbox.Control;
using ContactSync.Sandbox.Google;
using ContactSync.Sandbox.Graph;
using ContactSync.Sandbox.Persistence;

namespace ContactSync.Sandbox;

/// <summary>Builds the sandbox application; used by Program and by tests that host it on a free port.</summary>
public static class SandboxApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        builder.AddSandboxControl();
        builder.AddGoogleEmulator();
        builder.AddGraphEmulator();
        configure?.Invoke(builder);
        // Optional: keep the sandbox's state in a file across runs (the AppHost's offline demo).
        if (builder.Configuration[SandboxStateFile.ConfigurationKey] is { Length: > 0 } dataFile)
        {
            builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<SandboxStateFile>(sp, dataFile));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<SandboxStateFile>());
        }

        var app = builder.Build();
        app.Services.GetService<SandboxStateFile>()?.Load();
        app.UseSandboxFaults();
        app.MapDefaultEndpoints();
        app.MapSandboxControlApi();
        app.MapGoogleEmulator();
        app.MapGraphEmulator();
        return app;
    }

    /// <summary>Starts a sandbox on 127.0.0.1 with a free port and returns it with its base address
    /// (ending in a slash).</summary>
    public static async Task<(WebApplication App, Uri BaseAddress)> StartOnFreePortAsync(CancellationToken ct = default)
    {
        var app = Build(["--urls", "http://127.0.0.1:0", "--environment", "Development"], b =>
            b.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync(ct);
        var address = app.Urls.First();
        return (app, new Uri(address.TrimEnd('/') + "/"));
    }
}
