using System.Globalization;
using Npgsql;

namespace ContactSync.Testing;

/// <summary>
/// One PostgreSQL server per test process, shared by every test class (use as a class or collection fixture).
/// Set <c>CONTACTSYNC_TEST_PG</c> to an admin connection string to use an existing server instead of a private
/// ephemeral cluster. Tests never skip: when no server can be started the fixture fails with the reason.
/// </summary>
public sealed class PostgresFixture
{
    public const string EnvironmentVariable = "CONTACTSYNC_TEST_PG";
    private const string RunDirectoryPrefix = "contactsync-pg-";
    private static readonly Lazy<Task<string>> SharedServer = new(StartSharedServerAsync);

    /// <summary>Admin (superuser) connection string of the shared server.</summary>
    public Task<string> AdminConnectionStringAsync() => SharedServer.Value;

    /// <summary>Creates a new, empty, uniquely named database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var admin = await SharedServer.Value;
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    private static async Task<string> StartSharedServerAsync()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external)) return external;

        await RemoveStaleRunsAsync();
        var runDirectory = Path.Combine(Path.GetTempPath(), RunDirectoryPrefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(runDirectory);
        await File.WriteAllTextAsync(Path.Combine(runDirectory, "owner.pid"),
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var settings = new Dictionary<string, string> { ["max_connections"] = "300" };
        var cluster = new LocalPostgresCluster(Path.Combine(runDirectory, "data"), ephemeral: true, settings: settings);
        await cluster.StartAsync();
        // The test host is killed soon after the last test, too soon for a ProcessExit handler to stop a server;
        // a detached watcher stops it and deletes the directory once this process is gone (even after a crash).
        cluster.StopWhenProcessExits(Environment.ProcessId, deleteDirectory: runDirectory);
        return cluster.AdminConnectionString;
    }

    /// <summary>Removes the directories (and stops the servers) of earlier runs whose process is gone.</summary>
    private static async Task RemoveStaleRunsAsync()
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), RunDirectoryPrefix + "*"))
        {
            var pidFile = Path.Combine(dir, "owner.pid");
            // Another process may have just created its directory and not yet written its pid.
            if (!File.Exists(pidFile) && Directory.GetCreationTimeUtc(dir) > DateTime.UtcNow.AddMinutes(-5)) continue;
            if (File.Exists(pidFile) && int.TryParse(await File.ReadAllTextAsync(pidFile), out var pid) && IsAlive(pid))
                continue;
            try
            {
                await LocalPostgresCluster.StopStaleAsync(Path.Combine(dir, "data"));
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception e) when (e is DirectoryNotFoundException or IOException)
            {
                // Another test process (or the stale run's own watcher) is removing it at the same time: best effort.
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
