using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ContactSync.AppHost;

/// <summary>
/// A small launcher with Aspire's conventions (the Aspire.Hosting packages are not available on the build
/// machines). It knows two kinds of resources: a PostgreSQL server with databases, and .NET projects of
/// this repository started as child processes.
/// </summary>
public sealed class DistributedApplication
{
    private readonly List<Resource> _resources;
    private readonly string _repoRoot;

    private DistributedApplication(List<Resource> resources, string repoRoot)
    {
        _resources = resources;
        _repoRoot = repoRoot;
    }

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(args);

    public async Task<int> RunAsync()
    {
        using var stop = new CancellationTokenSource();
        // Ctrl+C (SIGINT) and SIGTERM both stop the children in reverse start order.
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });

        var started = new List<Resource>();
        var exitCode = 0;
        try
        {
            foreach (var resource in _resources)
            {
                foreach (var dependency in resource.WaitsFor)
                    await dependency.WaitHealthyAsync(stop.Token);
                Console.Out.WriteLine(Ansi.Bold($"starting {resource.Name}"));
                await resource.StartAsync(stop.Token);
                started.Add(resource);
            }
            foreach (var resource in _resources)
                await resource.WaitHealthyAsync(stop.Token);

            WriteResourcesFile();
            PrintSummary();
            var failed = await Task.WhenAny(started.Select(r => r.Exited(stop.Token)));
            if (!stop.IsCancellationRequested)
            {
                Console.Error.WriteLine(Ansi.Red($"{(await failed).Name} exited unexpectedly; stopping everything."));
                exitCode = 1;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (LaunchException e)
        {
            Console.Error.WriteLine(Ansi.Red(e.Message));
            exitCode = 1;
        }
        finally
        {
            Console.Out.WriteLine(Ansi.Bold("stopping..."));
            for (var i = started.Count - 1; i >= 0; i--)
                await started[i].StopAsync();
        }
        return exitCode;
    }

    private void WriteResourcesFile()
    {
        var resources = new JsonObject();
        foreach (var r in _resources)
            if (r.Url is { } url) resources[r.Name] = new JsonObject { ["url"] = url };
        var doc = new JsonObject
        {
            ["resources"] = resources,
            ["operatorKey"] = Secrets.OperatorKey,
        };
        if (_resources.OfType<DemoResource>().FirstOrDefault()?.State is { } demo)
            doc["demo"] = new JsonObject { ["tenantId"] = demo.TenantId, ["apiKey"] = demo.ApiKey, ["salesUserApiKey"] = demo.SalesUserApiKey };
        var dir = Path.Combine(_repoRoot, ".contactsync");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "resources.json"), doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private void PrintSummary()
    {
        Console.Out.WriteLine();
        Console.Out.WriteLine(Ansi.Bold("ContactSync is running. Press Ctrl+C to stop."));
        foreach (var r in _resources)
            if (r.Url is { } url) Console.Out.WriteLine($"  {r.Name,-10} {url}");
        Console.Out.WriteLine($"  operator key: {Secrets.OperatorKey}");
        if (_resources.OfType<DemoResource>().FirstOrDefault()?.State is { } demo)
        {
            Console.Out.WriteLine($"  demo tenant:  {demo.TenantName} ({demo.TenantId})");
            Console.Out.WriteLine($"  demo admin key: {demo.ApiKey}");
            Console.Out.WriteLine($"  try: curl -H \"Authorization: Bearer {demo.ApiKey}\" {_resources.OfType<ProjectResource>().First(r => r.Name == "api").Url}/api/contacts");
        }
        Console.Out.WriteLine("  (also written to .contactsync/resources.json)");
        Console.Out.WriteLine();
    }

    internal static DistributedApplication Create(List<Resource> resources, string repoRoot) => new(resources, repoRoot);
}

/// <summary>A failure to launch that the user can act on (message printed, no stack trace).</summary>
public sealed class LaunchException(string message) : Exception(message);
