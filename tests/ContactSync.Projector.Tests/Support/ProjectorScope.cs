using ContactSync.EventStore;
using ContactSync.EventStore.Postgres;
using ContactSync.Testing;
using Npgsql;
using NpgsqlTypes;

namespace ContactSync.Projector.Tests.Support;

/// <summary>A fresh database with the event store, a domain writer and read-model queries; projectors are started by the test.</summary>
internal sealed class ProjectorScope : IAsyncDisposable
{
    private readonly List<ProjectorHost> _hosts = [];

    private ProjectorScope(string connectionString, NpgsqlDataSource dataSource, PostgresEventStore store, string? applicationRole = null)
    {
        ConnectionString = connectionString;
        ApplicationRole = applicationRole;
        DataSource = dataSource;
        Store = store;
        Writer = new DomainWriter(store);
    }

    /// <summary>The administrator's connection (the test's own queries and the domain writer use it).</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// When set, projectors work as this role, set up by their start-up migration through the administrator's
    /// connection as the AppHost sets them up (the append-only security model), instead of as the administrator.
    /// </summary>
    public string? ApplicationRole { get; }

    public NpgsqlDataSource DataSource { get; }
    public PostgresEventStore Store { get; }
    public DomainWriter Writer { get; }

    /// <param name="applicationRole">Projectors work as a role of their own (see <see cref="ApplicationRole"/>).</param>
    public static async Task<ProjectorScope> CreateAsync(PostgresFixture fixture, bool applicationRole = false)
    {
        var cs = await fixture.CreateDatabaseAsync("proj");
        var dataSource = NpgsqlDataSource.Create(cs);
        var role = applicationRole ? "app_" + Guid.NewGuid().ToString("N")[..12] : null;
        if (role is null) await PostgresEventStoreSchema.EnsureAsync(dataSource);
        else await PostgresEventStoreSchema.EnsureAsync(cs, role);
        return new ProjectorScope(cs, dataSource, new PostgresEventStore(dataSource), role);
    }

    public async Task<ProjectorHost> StartProjectorAsync(IDictionary<string, string?>? settings = null)
    {
        var host = ApplicationRole is { } role
            ? await ProjectorHost.StartAsync(new NpgsqlConnectionStringBuilder(ConnectionString) { Username = role }.ConnectionString,
                new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["ConnectionStrings:events-admin"] = ConnectionString })
            : await ProjectorHost.StartAsync(ConnectionString, settings);
        _hosts.Add(host);
        return host;
    }

    /// <summary>Waits until every projection's active version has a checkpoint at or after the writer's last append.</summary>
    public Task WaitForProjectionsAsync(params string[] names) => WaitForProjectionsAsync(Writer.LastPosition, names);

    public Task WaitForProjectionsAsync(Position position, params string[] names) =>
        Eventually.HoldsAsync(async () => await ScalarAsync<bool>("""
            SELECT coalesce(bool_and(c.commit_position IS NOT NULL AND (c.commit_position, c.prepare_position) >= ($1, $2)), false)
              FROM rm.projections p LEFT JOIN es.checkpoints c ON c.subscription_id = p.name || '@v' || p.active_version
             WHERE cardinality($3::text[]) = 0 OR p.name = ANY($3)
            """, new NpgsqlParameter<ulong> { TypedValue = position.Commit, NpgsqlDbType = NpgsqlDbType.Xid8 },
                new NpgsqlParameter<long> { TypedValue = (long)position.Prepare },
                new NpgsqlParameter<string[]> { TypedValue = names }),
            async () => "projections reach " + position + ": " + string.Join("; ",
                (await RowsAsync("SELECT subscription_id, commit_position::text, prepare_position FROM es.checkpoints"))
                .Select(r => string.Join(" ", r))));

    public async Task<T> ScalarAsync<T>(string sql, params NpgsqlParameter[] parameters)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters);
        // No row (or NULL) reads as the default, so polls can wait for a row to appear.
        return await cmd.ExecuteScalarAsync() is T value ? value : default!;
    }

    public Task<T> ScalarAsync<T>(string sql, Guid id) => ScalarAsync<T>(sql, new NpgsqlParameter<Guid> { TypedValue = id });

    public async Task<List<object?[]>> RowsAsync(string sql, params NpgsqlParameter[] parameters)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await r.ReadAsync())
        {
            var row = new object?[r.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public Task<List<object?[]>> RowsAsync(string sql, Guid id) => RowsAsync(sql, new NpgsqlParameter<Guid> { TypedValue = id });

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        await Store.DisposeAsync();
        await DataSource.DisposeAsync();
    }
}
