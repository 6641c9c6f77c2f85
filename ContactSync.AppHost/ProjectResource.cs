using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ContactSync.AppHost;

/// <summary>A .NET project of this repository, run as a child process from its build output.</summary>
public sealed partial class ProjectResource(string name, string projectDir, int port, string configuration) : Resource(name)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private static readonly ConsoleColor[] Colors = [ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Magenta, ConsoleColor.Yellow, ConsoleColor.Blue];
    private static int _nextColor;

    private readonly Dictionary<string, Func<string>> _environment = new();
    private readonly Queue<string> _lastLines = new();
    private readonly ConsoleColor _color = Colors[_nextColor++ % Colors.Length];
    private Process? _process;

    public int Port { get; } = port;
    public override string Url => $"http://localhost:{Port}";

    public ProjectResource WithReference(IResourceWithConnectionString resource)
    {
        _environment[$"ConnectionStrings__{resource.Name}"] = () => resource.ConnectionString;
        return this;
    }

    public ProjectResource WithReference(DatabaseResource database)
    {
        _environment[$"ConnectionStrings__{database.Name}"] = () => database.ConnectionString;
        _environment[$"ConnectionStrings__{database.Name}-admin"] = () => database.AdminConnectionString;
        return this;
    }

    public ProjectResource WithReference(ProjectResource service)
    {
        _environment[$"services__{service.Name}__http__0"] = () => service.Url;
        return this;
    }

    public ProjectResource WithEnvironment(string name, string value)
    {
        _environment[name] = () => value;
        return this;
    }

    public ProjectResource WaitFor(Resource resource)
    {
        WaitsFor.Add(resource);
        return this;
    }

    public ProjectResource WaitFor(DatabaseResource database) => WaitFor(database.Server);

    public override Task StartAsync(CancellationToken ct)
    {
        var assemblyName = Path.GetFileName(projectDir);
        var dll = Path.Combine(projectDir, "bin", configuration, "net10.0", assemblyName + ".dll");
        if (!File.Exists(dll))
            throw new LaunchException($"{dll} is missing: build the solution first (dotnet build ContactSync.sln).");
        EnsurePortFree();

        var info = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = projectDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ASPNETCORE_URLS"] = Url;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Development";
        info.Environment["OTEL_SERVICE_NAME"] = Name;
        info.Environment["ContactSync__OperatorKey"] = Secrets.OperatorKey;
        info.Environment["ContactSync__GrantKeys__Current"] = Secrets.GrantKeyId;
        info.Environment["ContactSync__GrantKeys__Keys__" + Secrets.GrantKeyId] = Secrets.GrantKey(Path.GetDirectoryName(projectDir)!);
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in _environment)
            if (value() is { Length: > 0 } text) info.Environment[key] = text;

        _process = Process.Start(info) ?? throw new LaunchException($"Could not start {Name}.");
        _process.OutputDataReceived += (_, e) => Echo(e.Data, error: false);
        _process.ErrorDataReceived += (_, e) => Echo(e.Data, error: true);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return Task.CompletedTask;
    }

    public override async Task WaitHealthyAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_process is { HasExited: true })
                throw new LaunchException($"{Name} exited with code {_process.ExitCode} before it became healthy. Last output:\n  " + string.Join("\n  ", _lastLines));
            try
            {
                using var response = await Http.GetAsync($"{Url}/health", ct);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new LaunchException($"{Name} did not report healthy at {Url}/health within 90 s.");
            await Task.Delay(200, ct);
        }
    }

    public override async Task<Resource> Exited(CancellationToken ct)
    {
        if (_process is not null) await _process.WaitForExitAsync(ct);
        return this;
    }

    public override async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        // SIGTERM lets ASP.NET Core drain requests and flush telemetry; Process.Kill would be SIGKILL.
        _ = Kill(_process.Id, 15);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        Console.Out.WriteLine($"{Name} stopped");
    }

    private void EnsurePortFree()
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, Port);
            probe.Start();
        }
        catch (SocketException)
        {
            throw new LaunchException($"Port {Port} for {Name} is in use (is ContactSync already running?). " +
                                      $"Choose another with ContactSync__Ports__{Name}=<port> or --port:{Name}=<port>.");
        }
    }

    private void Echo(string? line, bool error)
    {
        if (line is null) return;
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 20) _lastLines.Dequeue();
        }
        Ansi.WritePrefixed(Name, _color, line, error);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
