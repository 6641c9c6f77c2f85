using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace ContactSync.Testing;

/// <summary>
/// A private PostgreSQL cluster started from the locally installed server binaries. Self-contained (BCL and Npgsql
/// only) because the launcher compiles this file as a linked source as well.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root, so when the process is root the server runs as the <c>postgres</c> OS user
/// (through <c>runuser</c>) in directories chowned to it; otherwise it runs as the current user.
/// Authentication is <c>trust</c>, restricted to 127.0.0.1 and a socket directory beside the data directory.
/// </remarks>
public sealed class LocalPostgresCluster : IAsyncDisposable
{
    private const string ServiceUser = "postgres";
    private readonly string _binDir;
    private readonly bool _asServiceUser;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly bool _portPicked;

    /// <param name="dataDirectory">Data directory; initialised when missing or empty.</param>
    /// <param name="port">TCP port on 127.0.0.1; a free one is picked when null.</param>
    /// <param name="ephemeral">Durability off (fsync, synchronous_commit, full_page_writes): for throwaway data only.</param>
    /// <param name="settings">Extra server settings passed as <c>-c name=value</c>.</param>
    public LocalPostgresCluster(string dataDirectory, int? port = null, bool ephemeral = false,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        DataDirectory = Path.GetFullPath(dataDirectory);
        Port = port ?? FindFreePort();
        _portPicked = port is null;
        Ephemeral = ephemeral;
        _settings = settings ?? new Dictionary<string, string>();
        _binDir = FindBinDirectory();
        _asServiceUser = Environment.UserName == "root";
        if (_asServiceUser && !ServiceUserExists())
            throw new InvalidOperationException(
                $"Running as root, PostgreSQL must run as the '{ServiceUser}' OS user, which does not exist. " +
                "Install the server package (apt-get install -y postgresql) or run as a normal user.");
        SuperUser = _asServiceUser ? ServiceUser : Environment.UserName;
    }

    public string DataDirectory { get; }
    public int Port { get; private set; }
    public bool Ephemeral { get; }
    public string SuperUser { get; }
    public string SocketDirectory => Path.Combine(Path.GetDirectoryName(DataDirectory)!, "sock");
    public string LogFile => Path.Combine(Path.GetDirectoryName(DataDirectory)!, "postgres.log");
    public bool IsRunning { get; private set; }

    /// <summary>Connection string of the superuser to the <c>postgres</c> database.</summary>
    public string AdminConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = SuperUser, Database = "postgres", Pooling = true,
    }.ConnectionString;

    /// <summary>The superuser's connection string over the server's Unix-domain socket: what a service on the same
    /// machine uses, sparing both sides the loopback TCP stack.</summary>
    public string SocketConnectionString => new NpgsqlConnectionStringBuilder(AdminConnectionString) { Host = SocketDirectory }.ConnectionString;

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;

    public async Task StartAsync(CancellationToken ct = default)
    {
        Directory.CreateDirectory(DataDirectory);
        Directory.CreateDirectory(SocketDirectory);
        if (_asServiceUser)
            await RunAsync("chown", ["-R", $"{ServiceUser}:", Path.GetDirectoryName(DataDirectory)!], false, ct);
        if (!Directory.EnumerateFileSystemEntries(DataDirectory).Any())
            await InitDbAsync(ct);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartServerAsync(ct);
                break;
            }
            catch (InvalidOperationException) when (_portPicked && attempt < 3)
            {
                // The free port we picked may have been taken by someone else in the meantime.
                Port = FindFreePort();
            }
        }
        IsRunning = true;
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        var options = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"-p {Port} -k {SocketDirectory} -c listen_addresses=127.0.0.1");
        if (Ephemeral)
            options.Append(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        foreach (var (name, value) in _settings)
            options.Append(CultureInfo.InvariantCulture, $" -c {name}={value}");
        await RunAsync(Path.Combine(_binDir, "pg_ctl"),
            ["start", "-w", "-t", "60", "-D", DataDirectory, "-l", LogFile, "-o", options.ToString()], _asServiceUser, ct);
    }

    /// <summary>Stops the server (<c>pg_ctl stop -m fast</c>; <paramref name="immediate"/> skips the shutdown checkpoint, for throwaway data).</summary>
    public async Task StopAsync(bool immediate = false, CancellationToken ct = default)
    {
        if (!IsRunning) return;
        NpgsqlConnection.ClearAllPools();
        await RunAsync(Path.Combine(_binDir, "pg_ctl"),
            ["stop", "-w", "-m", immediate ? "immediate" : "fast", "-D", DataDirectory], _asServiceUser, ct);
        IsRunning = false;
    }

    /// <summary>
    /// Synchronous immediate stop for process-exit handlers, where async continuations may no longer run.
    /// The data is not checkpointed: use it only for throwaway clusters.
    /// </summary>
    public void StopImmediately()
    {
        if (!IsRunning) return;
        var psi = new ProcessStartInfo(_asServiceUser ? "runuser" : Path.Combine(_binDir, "pg_ctl"))
        {
            UseShellExecute = false, WorkingDirectory = Path.GetTempPath(),
        };
        if (_asServiceUser)
            foreach (var a in new[] { "-u", ServiceUser, "--", Path.Combine(_binDir, "pg_ctl") }) psi.ArgumentList.Add(a);
        foreach (var a in new[] { "stop", "-w", "-m", "immediate", "-D", DataDirectory }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi);
        process?.WaitForExit(TimeSpan.FromSeconds(20));
        IsRunning = false;
    }

    /// <summary>
    /// Starts a detached watcher that stops the server (immediately: for throwaway data) and optionally deletes a
    /// directory once process <paramref name="pid"/> has exited, however it exits.
    /// </summary>
    public void StopWhenProcessExits(int pid, string? deleteDirectory = null)
    {
        var pgCtl = (_asServiceUser ? $"runuser -u {ServiceUser} -- " : "") + Path.Combine(_binDir, "pg_ctl");
        var script = "exec </dev/null >/dev/null 2>&1\n" +
            $"while kill -0 {pid}; do sleep 0.3; done\n" +
            $"{pgCtl} stop -w -m immediate -D '{DataDirectory}'\n" +
            (deleteDirectory is null ? "" : $"rm -rf '{Path.GetFullPath(deleteDirectory)}'\n");
        var psi = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        foreach (var a in new[] { "/bin/sh", "-c", script }) psi.ArgumentList.Add(a);
        using var watcher = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the cleanup watcher.");
    }

    /// <summary>Stops a server left running in <paramref name="dataDirectory"/> by a process that died.</summary>
    public static async Task StopStaleAsync(string dataDirectory)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid"))) return;
        var bin = FindBinDirectory();
        var asServiceUser = Environment.UserName == "root";
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["stop", "-w", "-m", "immediate", "-D", dataDirectory], asServiceUser,
            CancellationToken.None, throwOnError: false);
    }

    public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"")}\"", conn);
        await cmd.ExecuteNonQueryAsync(ct);
        return ConnectionStringFor(name);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task InitDbAsync(CancellationToken ct)
    {
        string[] args = ["-D", DataDirectory, "-U", SuperUser, "-E", "UTF8", "--locale=C", "--auth=trust"];
        if (Ephemeral) args = [.. args, "--no-sync"];
        await RunAsync(Path.Combine(_binDir, "initdb"), args, _asServiceUser, ct);
        // Only the private socket and the loopback address; initdb's default also opens ::1 and replication.
        var hba = "local all all trust\nhost all all 127.0.0.1/32 trust\n";
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "pg_hba.conf"), hba, ct);
        if (_asServiceUser)
            await RunAsync("chown", [$"{ServiceUser}:", Path.Combine(DataDirectory, "pg_hba.conf")], false, ct);
    }

    private static string FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var best = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(x => x.Version > 0 && File.Exists(Path.Combine(x.Dir, "bin", "pg_ctl")))
                .OrderByDescending(x => x.Version)
                .FirstOrDefault()
            : default;
        return best.Dir is null
            ? throw new InvalidOperationException(
                $"No PostgreSQL server binaries under {root}/<version>/bin. Install them: apt-get update && apt-get install -y postgresql")
            : Path.Combine(best.Dir, "bin");
    }

    private static bool ServiceUserExists() =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(l => l.StartsWith(ServiceUser + ":", StringComparison.Ordinal));

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string[] args, bool asServiceUser, CancellationToken ct,
        bool throwOnError = true)
    {
        var psi = new ProcessStartInfo(asServiceUser ? "runuser" : file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            // The server must not inherit a working directory the service user cannot read.
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asServiceUser)
            foreach (var a in new[] { "-u", ServiceUser, "--", file }) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0 && throwOnError)
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}{await stdout}");
    }
}
