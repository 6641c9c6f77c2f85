using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ContactSync.AppHost;

/// <summary>
/// A private PostgreSQL cluster run from the machine's server binaries. initdb and postgres refuse to run as
/// root, so as root they run as the <c>postgres</c> OS user, which must own the data directory.
/// </summary>
public sealed class LocalPostgresCluster(string dataDir, int port, bool ephemeral, Action<string>? log = null)
{
    private readonly string _bin = FindBinaries();
    private readonly bool _asRoot = Environment.UserName == "root";

    public int Port { get; } = port == 0 ? FreePort() : port;

    public string AdminConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = _asRoot ? "postgres" : Environment.UserName, Database = "postgres",
        Pooling = true, MaxPoolSize = 100,
    }.ConnectionString;

    public async Task StartAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(dataDir);
        var runDir = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataDir))!, "run");
        Directory.CreateDirectory(runDir);
        if (_asRoot) await RunAsync("chown", ["-R", "postgres:postgres", dataDir, runDir], asPostgres: false, ct);

        if (!File.Exists(Path.Combine(dataDir, "PG_VERSION")))
        {
            log?.Invoke($"initialising a new cluster in {dataDir}");
            List<string> init = ["-D", dataDir, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "-U", _asRoot ? "postgres" : Environment.UserName];
            if (ephemeral) init.Add("--no-sync");
            await RunAsync(Path.Combine(_bin, "initdb"), init, asPostgres: true, ct);
        }

        var options = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={runDir} -c max_connections=200";
        if (ephemeral) options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        log?.Invoke($"starting PostgreSQL on 127.0.0.1:{Port}");
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", dataDir, "-w", "-t", "60", "-l", Path.Combine(runDir, "postgres.log"), "-o", options, "start"], asPostgres: true, ct);
    }

    public async Task CreateDatabaseAsync(string name, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = name } } };
        if (await exists.ExecuteScalarAsync(ct) is not null) return;
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"")}\"", connection);
        await create.ExecuteNonQueryAsync(ct);
    }

    public async Task StopAsync()
    {
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", dataDir, "-m", "fast", "-w", "stop"], asPostgres: true, CancellationToken.None);
        if (ephemeral) Directory.Delete(dataDir, recursive: true);
    }

    private async Task RunAsync(string file, IReadOnlyList<string> args, bool asPostgres, CancellationToken ct)
    {
        var info = asPostgres && _asRoot
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", file, .. args])
            : new ProcessStartInfo(file, args);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {await stderr}{await stdout}");
    }

    private static string FindBinaries()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql: install them with `apt-get install -y postgresql`, or set ConnectionStrings__events to an existing server.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
