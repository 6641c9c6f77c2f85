using System.Diagnostics;

namespace ContactSync.Sync.Tests.Support;

/// <summary>The Projector as its own operating-system process, so a test can kill it as a crash would (SIGKILL).</summary>
public sealed class ProjectorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ProjectorProcess(Process process) => _process = process;

    public static ProjectorProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet", [AssemblyPath()])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (k, v) in environment) info.Environment[k] = v;
        var process = Process.Start(info) ?? throw new InvalidOperationException("The projector process did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ProjectorProcess(process);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL: no shutdown code runs, open transactions are cut, the lock session dies with the process.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    /// <summary>The Projector built beside this test assembly's solution (same configuration).</summary>
    private static string AssemblyPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ContactSync.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("ContactSync.sln not found above the test assembly.");
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;   // bin/<Configuration>/net10.0
        var path = Path.Combine(dir.FullName, "ContactSync.Projector", "bin", configuration, "net10.0", "ContactSync.Projector.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first: the projector is started from its own output.", path);
    }
}
