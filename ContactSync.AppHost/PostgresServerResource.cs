using ContactSync.Testing;
using Npgsql;

namespace ContactSync.AppHost;

/// <summary>
/// PostgreSQL for the system: the server named by <c>ConnectionStrings__events</c> when set, otherwise a
/// private cluster whose data lives in <c>ContactSync.AppHost/.data/postgres</c> (git-ignored) and is reused
/// on the next run.
/// </summary>
public sealed class PostgresServerResource(string name, int port, string repoRoot) : Resource(name)
{
    private readonly List<DatabaseResource> _databases = [];
    private LocalPostgresCluster? _cluster;
    private string? _adminConnectionString;

    /// <summary>Adds a database; services reference it as the login role <paramref name="appRole"/>, which the
    /// services' start-up migration sets up (through the admin connection) so that it cannot change the event log.</summary>
    public DatabaseResource AddDatabase(string databaseName, string appRole = "contactsync_app")
    {
        var database = new DatabaseResource(databaseName, appRole, this);
        _databases.Add(database);
        return database;
    }

    internal string AdminConnectionString => _adminConnectionString ?? throw new InvalidOperationException("PostgreSQL has not started.");

    public override string? Url => _adminConnectionString is null ? null : $"postgres://127.0.0.1:{port}";

    public override async Task StartAsync(CancellationToken ct)
    {
        if (_databases.Select(d => Environment.GetEnvironmentVariable($"ConnectionStrings__{d.Name}")).FirstOrDefault(s => !string.IsNullOrEmpty(s)) is { } external)
        {
            _adminConnectionString = external;
            Log("using the server of ConnectionStrings__* from the environment");
            return;
        }
        var dataDir = Path.Combine(repoRoot, "ContactSync.AppHost", ".data", "postgres");
        // A launcher killed without a chance to clean up leaves its server running: stop it first.
        await LocalPostgresCluster.StopStaleAsync(dataDir);
        var isNew = !Directory.Exists(dataDir) || !Directory.EnumerateFileSystemEntries(dataDir).Any();
        Log(isNew ? $"initialising a new cluster in {dataDir}" : $"reusing the cluster in {dataDir}");
        _cluster = new LocalPostgresCluster(dataDir, port, ephemeral: false,
            new Dictionary<string, string> { ["max_connections"] = "200" });
        await _cluster.StartAsync(ct);
        Log($"listening on 127.0.0.1:{port} and in {_cluster.SocketDirectory}");
        _adminConnectionString = _cluster.AdminConnectionString;
        foreach (var database in _databases)
            await EnsureDatabaseAsync(database.Name, ct);
    }

    private async Task EnsureDatabaseAsync(string database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database } } };
        if (await exists.ExecuteScalarAsync(ct) is null) await _cluster!.CreateDatabaseAsync(database, ct);
    }

    private void Log(string line) => Ansi.WritePrefixed(Name, ConsoleColor.DarkCyan, line, error: false);

    public override async Task WaitHealthyAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(ct);
    }

    public override Task<Resource> Exited(CancellationToken ct) =>
        Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => (Resource)this, TaskScheduler.Default);

    public override async Task StopAsync()
    {
        if (_cluster is null) return;
        await _cluster.StopAsync();
        Console.Out.WriteLine($"{Name} stopped");
    }

    internal string ConnectionStringFor(string database, string? role)
    {
        if (Environment.GetEnvironmentVariable($"ConnectionStrings__{database}") is { Length: > 0 } external)
            return role is null ? Environment.GetEnvironmentVariable($"ConnectionStrings__{database}-admin") ?? "" : external;
        // The services run on this machine: they connect over the server's Unix-domain socket, which spares every
        // query the loopback TCP stack on both sides (about a fifth more contact reads per second).
        var builder = new NpgsqlConnectionStringBuilder(_cluster?.SocketConnectionString ?? AdminConnectionString) { Database = database };
        if (role is not null) builder.Username = role;
        return builder.ConnectionString;
    }
}

/// <summary>A database on a <see cref="PostgresServerResource"/>. Referencing it injects ConnectionStrings__{name}
/// (the application role) and ConnectionStrings__{name}-admin (for the start-up migration).</summary>
public sealed class DatabaseResource(string name, string appRole, PostgresServerResource server) : IResourceWithConnectionString
{
    public string Name { get; } = name;
    public PostgresServerResource Server { get; } = server;
    public string ConnectionString => Server.ConnectionStringFor(Name, appRole);
    public string AdminConnectionString => Server.ConnectionStringFor(Name, role: null);
}
