using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ContactSync.Projector.Tests.Support;

/// <summary>A real projector (Kestrel on a free 127.0.0.1 port) over a test database.</summary>
internal sealed class ProjectorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private ProjectorHost(WebApplication app) => _app = app;

    public Uri BaseAddress => new(_app.Urls.First());

    public IServiceProvider Services => _app.Services;

    public static async Task<ProjectorHost> StartAsync(string connectionString, IDictionary<string, string?>? settings = null)
    {
        var app = ProjectorApp.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var values = new Dictionary<string, string?>
            {
                ["ConnectionStrings:events"] = connectionString,
                ["ContactSync:Projector:ControlInterval"] = "00:00:00.050",
                ["ContactSync:Projector:StandbyRetry"] = "00:00:00.200",
                ["ContactSync:Sync:Enabled"] = "false",
            };
            foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) values[k] = v;
            builder.Configuration.AddInMemoryCollection(values);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync();
        return new ProjectorHost(app);
    }

    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
