using System.Text.Json;
using ContactSync.Sandbox.Control;
using ContactSync.Sandbox.Google;
using ContactSync.Sandbox.Graph;

namespace ContactSync.Sandbox.Persistence;

/// <summary>
/// Keeps the sandbox's state in the file named by <c>Sandbox:DataFile</c>, so an offline demo keeps its accounts,
/// contacts and connections (refresh tokens, sync tokens, delta links) across runs: loaded before the first
/// request, saved every <see cref="SaveInterval"/> when it changed, after <c>/_sandbox/reset</c> and on graceful
/// shutdown. Saves write a temporary file and rename it over the old one, so a crash leaves either state whole.
/// </summary>
public sealed class SandboxStateFile(
    string path, GoogleSandbox google, GraphSandbox graph, SandboxControl control, ILogger<SandboxStateFile> logger)
    : BackgroundService
{
    public const string ConfigurationKey = "Sandbox:DataFile";

    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(10);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    private readonly Lock _saving = new();
    private byte[] _lastSaved = [];

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>Loads the file if there is one; a file that cannot be read is left in place and the sandbox
    /// starts empty (its next save replaces it).</summary>
    public void Load()
    {
        control.AfterReset += () =>
        {
            try
            {
                Save();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(e, "Could not save the reset sandbox state to {Path}.", Path);
            }
        };
        if (!File.Exists(Path)) return;
        try
        {
            var bytes = File.ReadAllBytes(Path);
            var state = JsonSerializer.Deserialize<SandboxState>(bytes, Options);
            if (state is null || state.Version != SandboxState.CurrentVersion)
            {
                logger.LogWarning("Sandbox state file {Path} has an unknown format; starting empty.", Path);
                return;
            }
            google.Import(state.Google);
            graph.Import(state.Graph);
            _lastSaved = bytes;
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
        {
            logger.LogWarning(e, "Sandbox state file {Path} could not be read; starting empty.", Path);
        }
    }

    /// <summary>Writes the current state when it differs from the last one written.</summary>
    public void Save()
    {
        lock (_saving)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new SandboxState(SandboxState.CurrentVersion, google.Export(), graph.Export()), Options);
            if (bytes.AsSpan().SequenceEqual(_lastSaved)) return;
            if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory) Directory.CreateDirectory(directory);
            var temp = Path + ".tmp";
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, Path, overwrite: true);
            _lastSaved = bytes;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SaveInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    Save();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    logger.LogWarning(e, "Could not save the sandbox state to {Path}.", Path);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the final save is in StopAsync.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Save();
    }
}
