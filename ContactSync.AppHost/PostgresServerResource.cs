using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ContactSync.AppHost;

/// <summary>
/// The <c>events</c> database. Aspire's PostgreSQL integration needs a container runtime, which these machines do
/// not have, so the server is an executable resource started from the local binaries (/usr/lib/postgresql/*/bin)
/// with its data in the data folder, kept between runs. When <c>ConnectionStrings__events</c> is set, that server is
/// used instead and nothing is started.
/// </summary>
/// <remarks>
/// Services connect as the role <c>contactsync_app</c> (ConnectionStrings__events), which their start-up migration
/// sets up through ConnectionStrings__events-admin so that the application cannot change the event log.
/// </remarks>
internal static class PostgresServerResource
{
    private const string ServiceUser = "postgres";
    private const string Database = "events";
    private const string AppRole = "contactsync_app";

    public static EventsDatabase AddEventsDatabase(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        if (builder.Configuration.GetConnectionString(Database) is { Length: > 0 })
            return new EventsDatabase(builder.AddConnectionString(Database), builder.Configuration.GetConnectionString(Database + "-admin"), null, null);

        var port = settings.Port("postgres", 54329);
        var root = Environment.UserName == "root";
        var superUser = root ? ServiceUser : Environment.UserName;
        var bin = FindBinDirectory();
        var dataDir = Path.Combine(settings.DataDirectory, "postgres");
        var socketDir = Path.Combine(settings.DataDirectory, "sock");
        string[] postgres = [Path.Combine(bin, "postgres"), "-D", dataDir, "-p", $"{port}", "-k", socketDir,
            "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"];
        // DCP stops an executable with SIGTERM and kills it about 8 s later. For postgres SIGTERM is a "smart"
        // shutdown that waits for every client, so this wrapper turns it into SIGINT, a "fast" shutdown that
        // still checkpoints. postgres logs to stderr, which the dashboard would show as errors: send it to stdout.
        const string wrapper = "trap 'kill -INT $pid 2>/dev/null' TERM INT; exec 2>&1; \"$@\" & pid=$!; " +
                               "wait $pid; rc=$?; while kill -0 $pid 2>/dev/null; do wait $pid; rc=$?; done; exit $rc";
        // postgres refuses to run as root. setpriv execs the server in place; runuser would forward the signal
        // and SIGKILL its child 2 s later.
        var (command, args) = root
            ? ("setpriv", (string[])[$"--reuid={ServiceUser}", $"--regid={ServiceUser}", "--init-groups", "--", "/bin/sh", "-c", wrapper, "postgres", .. postgres])
            : ("/bin/sh", ["-c", wrapper, "postgres", .. postgres]);

        var admin = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = superUser, Database = "postgres", Pooling = false, Timeout = 3 };
        var healthCheck = "postgres-ready";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, ct => EnsureDatabaseAsync(admin.ConnectionString, ct));

        // The server works in a directory the service user can read, not in the AppHost's.
        var server = builder.AddExecutable("postgres", command, Path.GetTempPath(), args)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
            .WithHealthCheck(healthCheck)
            .OnBeforeResourceStarted((_, _, ct) => PrepareAsync(bin, dataDir, socketDir, superUser, root, ct));

        // Over the Unix-domain socket: the services run on this machine, and it spares every query the loopback TCP stack.
        var socket = new NpgsqlConnectionStringBuilder { Host = socketDir, Port = port, Database = Database };
        var app = new NpgsqlConnectionStringBuilder(socket.ConnectionString) { Username = AppRole };
        var owner = new NpgsqlConnectionStringBuilder(socket.ConnectionString) { Username = superUser };
        var connection = builder.AddConnectionString(Database, ReferenceExpression.Create($"{app.ConnectionString}"));
        return new EventsDatabase(connection, owner.ConnectionString, server, $"postgres://127.0.0.1:{port}");
    }

    /// <summary>Initialises the cluster on the first run, and deals with a server or a lock file left by a killed run.</summary>
    private static async Task PrepareAsync(string bin, string dataDir, string socketDir, string superUser, bool root, CancellationToken ct)
    {
        Directory.CreateDirectory(dataDir);
        Directory.CreateDirectory(socketDir);
        if (root) await RunAsync("chown", ["-R", $"{ServiceUser}:", dataDir, socketDir], false, ct);

        var pidFile = Path.Combine(dataDir, "postmaster.pid");
        if (File.Exists(pidFile))
        {
            var pid = int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var p) ? p : 0;
            if (pid > 0 && File.Exists($"/proc/{pid}/comm") && File.ReadAllText($"/proc/{pid}/comm").Trim() == "postgres")
                await RunAsync(Path.Combine(bin, "pg_ctl"), ["stop", "-w", "-t", "20", "-m", "fast", "-D", dataDir], root, ct);
            else
                File.Delete(pidFile);   // the server died with its lock file; postgres may mistake a reused pid for itself
        }

        if (Directory.EnumerateFileSystemEntries(dataDir).Any()) return;
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", dataDir, "-U", superUser, "-E", "UTF8", "--locale=C", "--auth=trust"], root, ct);
        // Only the private socket and the loopback address; initdb's default also opens ::1 and replication.
        var hba = Path.Combine(dataDir, "pg_hba.conf");
        await File.WriteAllTextAsync(hba, "local all all trust\nhost all all 127.0.0.1/32 trust\n", ct);
        if (root) await RunAsync("chown", [$"{ServiceUser}:", hba], false, ct);
    }

    /// <summary>Ready when the server answers and the database exists (created on the first run).</summary>
    private static async Task<HealthCheckResult> EnsureDatabaseAsync(string adminConnectionString, CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(adminConnectionString);
            await connection.OpenAsync(ct);
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = Database } } };
            if (await exists.ExecuteScalarAsync(ct) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{Database}\"", connection);
                await create.ExecuteNonQueryAsync(ct);
            }
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }

    private static string FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var best = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(x => x.Version > 0 && File.Exists(Path.Combine(x.Dir, "bin", "postgres")))
                .OrderByDescending(x => x.Version)
                .FirstOrDefault()
            : default;
        return best.Dir is null
            ? throw new InvalidOperationException(
                $"No PostgreSQL server binaries under {root}/<version>/bin. Install them (apt-get install -y postgresql), " +
                "or point ConnectionStrings__events at a server.")
            : Path.Combine(best.Dir, "bin");
    }

    private static async Task RunAsync(string file, string[] args, bool asServiceUser, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(asServiceUser ? "setpriv" : file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asServiceUser)
            foreach (var a in new[] { $"--reuid={ServiceUser}", $"--regid={ServiceUser}", "--init-groups", "--", file }) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}{await stdout}");
    }
}

/// <summary>The <c>events</c> database as services reference it.</summary>
/// <param name="Connection">ConnectionStrings__events (the application role).</param>
/// <param name="AdminConnectionString">ConnectionStrings__events-admin (the start-up migration), when known.</param>
/// <param name="Server">The private server, when the AppHost runs one.</param>
/// <param name="Url">The server's address for people and scripts.</param>
internal sealed record EventsDatabase(
    IResourceBuilder<IResourceWithConnectionString> Connection,
    string? AdminConnectionString,
    IResourceBuilder<ExecutableResource>? Server,
    string? Url);

internal static class EventsDatabaseExtensions
{
    public static IResourceBuilder<ProjectResource> WithReference(this IResourceBuilder<ProjectResource> project, EventsDatabase database)
    {
        project.WithReference(database.Connection);
        if (database.AdminConnectionString is { } admin) project.WithEnvironment("ConnectionStrings__events-admin", admin);
        return project;
    }

    public static IResourceBuilder<ProjectResource> WaitFor(this IResourceBuilder<ProjectResource> project, EventsDatabase database) =>
        database.Server is { } server ? project.WaitFor(server) : project;
}
