using ContactSync.Testing;

namespace ContactSync.Benchmarks;

/// <summary>
/// The PostgreSQL server of a benchmark run: the one named by an environment variable, or a private cluster in a
/// temporary directory, stopped and deleted at the end, reached over its Unix-domain socket unless <c>--tcp</c>.
/// </summary>
internal sealed class BenchmarkServer : IAsyncDisposable
{
    private readonly LocalPostgresCluster? _cluster;
    private readonly string? _directory;

    private BenchmarkServer(string adminConnectionString, string description, LocalPostgresCluster? cluster, string? directory)
    {
        AdminConnectionString = adminConnectionString;
        Description = description;
        _cluster = cluster;
        _directory = directory;
    }

    public string AdminConnectionString { get; }
    public string Description { get; }

    /// <summary>How the benchmark reaches the server: "Unix socket", "loopback TCP" or "external".</summary>
    public string Transport { get; private init; } = "external";

    public static async Task<BenchmarkServer> StartAsync(string environmentVariable, IReadOnlyDictionary<string, string> settings, bool tcp)
    {
        if (Environment.GetEnvironmentVariable(environmentVariable) is { Length: > 0 } external)
            return new BenchmarkServer(external, $"external server from {environmentVariable}", null, null);
        var directory = Path.Combine(Path.GetTempPath(), "contactsync-bench-" + Guid.NewGuid().ToString("N")[..12]);
        var cluster = new LocalPostgresCluster(Path.Combine(directory, "data"), settings: settings);
        await cluster.StartAsync();
        cluster.StopWhenProcessExits(Environment.ProcessId, directory);
        var described = string.Join(", ", settings.Select(kv => $"{kv.Key}={kv.Value}"));
        // Over the Unix-domain socket, as the AppHost connects its services; --tcp measures loopback TCP instead.
        var (connectionString, transport) = tcp ? (cluster.AdminConnectionString, "loopback TCP") : (cluster.SocketConnectionString, "Unix socket");
        return new BenchmarkServer(connectionString, $"private cluster ({described}) over {transport}", cluster, directory) { Transport = transport };
    }

    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var conn = new Npgsql.NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\"; ", conn);
        await cmd.ExecuteNonQueryAsync();
        cmd.CommandText = $"CREATE DATABASE \"{name}\"";
        await cmd.ExecuteNonQueryAsync();
        return new Npgsql.NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is null) return;
        await _cluster.StopAsync();
        if (_directory is not null && Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
