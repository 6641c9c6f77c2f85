using Npgsql;

namespace ContactSync.EventStore.Postgres;

/// <summary>
/// Creates or upgrades the <c>es</c> schema (idempotent; concurrent callers are serialised by an advisory lock).
/// </summary>
/// <remarks>
/// <para>Security model (append-only log), set up by <see cref="EnsureAsync(string, string, string, CancellationToken)"/>:</para>
/// <list type="bullet">
/// <item>All objects belong to an owner role (default <c>es_owner</c>, NOLOGIN). Nobody logs in as it.</item>
/// <item>The application role gets USAGE on the schema, SELECT on <c>es.streams</c>/<c>es.events</c>, EXECUTE on the
/// write functions, and SELECT/INSERT/UPDATE/DELETE on <c>es.checkpoints</c> (a projection rebuild starts a new
/// checkpoint and deletes the one it replaces). It has no INSERT, UPDATE, DELETE or TRUNCATE on
/// the log tables: every write goes through <c>SECURITY DEFINER</c> functions (append, delete, metadata) that keep the
/// stream invariants.</item>
/// <item>A statement trigger on <c>es.events</c> refuses UPDATE, DELETE and TRUNCATE for everybody, the owner
/// included; a deliberate scavenge job must disable it as the owner.</item>
/// </list>
/// </remarks>
public static class PostgresEventStoreSchema
{
    private const long MigrationLockKey = 0x65735F736368656D; // "es_schem"

    /// <summary>Creates the schema as the connecting user (development, tests): that user owns everything.</summary>
    public static async Task EnsureAsync(NpgsqlDataSource dataSource, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await MigrateAsync(conn, null, ct);
    }

    /// <summary>Creates the schema as the connecting user (development, tests): that user owns everything.</summary>
    public static async Task EnsureAsync(string connectionString, CancellationToken ct = default)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await EnsureAsync(dataSource, ct);
    }

    /// <summary>
    /// From an admin (superuser or CREATEROLE + database owner) connection: creates the owner role and the
    /// application role when missing, the schema owned by the owner role, and the grants described in the remarks.
    /// </summary>
    /// <param name="adminConnectionString">Connection string of an administrator to the store's database.</param>
    /// <param name="appRole">The role the application logs in as (created with LOGIN when missing).</param>
    /// <param name="ownerRole">The role owning the schema.</param>
    /// <param name="ct">Cancellation.</param>
    public static async Task EnsureAsync(string adminConnectionString, string appRole, string ownerRole = "es_owner",
        CancellationToken ct = default)
    {
        var app = Quote(appRole);
        var owner = Quote(ownerRole);
        await using var dataSource = NpgsqlDataSource.Create(adminConnectionString);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await ExecuteAsync(conn, $"""
            DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {Literal(ownerRole)}) THEN CREATE ROLE {owner} NOLOGIN; END IF;
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {Literal(appRole)}) THEN CREATE ROLE {app} LOGIN; END IF;
            END $$;
            CREATE SCHEMA IF NOT EXISTS es AUTHORIZATION {owner};
            DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO {owner}', current_database()); END $$;
            """, ct);
        await MigrateAsync(conn, ownerRole, ct);
        await ExecuteAsync(conn, $"""
            REVOKE ALL ON ALL TABLES IN SCHEMA es FROM {app};
            REVOKE ALL ON ALL FUNCTIONS IN SCHEMA es FROM PUBLIC;
            GRANT USAGE ON SCHEMA es TO {app};
            GRANT SELECT ON es.streams, es.events TO {app};
            GRANT SELECT, INSERT, UPDATE, DELETE ON es.checkpoints TO {app};
            GRANT EXECUTE ON FUNCTION es.append_to_stream(text, bigint, uuid[], text[], jsonb[], jsonb[], boolean),
              es.delete_stream(text, bigint, boolean), es.set_stream_metadata(text, bigint, interval, bigint, jsonb) TO {app};
            """, ct);
    }

    private static async Task MigrateAsync(NpgsqlConnection conn, string? ownerRole, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        await ExecuteAsync(conn, $"SELECT pg_advisory_xact_lock({MigrationLockKey})", ct);
        if (ownerRole is not null) await ExecuteAsync(conn, $"SET LOCAL ROLE {Quote(ownerRole)}", ct);
        await ExecuteAsync(conn, await ReadScriptAsync(ct), ct);
        await tx.CommitAsync(ct);
    }

    private static async Task<string> ReadScriptAsync(CancellationToken ct)
    {
        await using var stream = typeof(PostgresEventStoreSchema).Assembly
            .GetManifestResourceStream("ContactSync.EventStore.Postgres.Schema.sql")
            ?? throw new InvalidOperationException("Embedded schema script is missing.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(ct);
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private static string Literal(string value) => "'" + value.Replace("'", "''") + "'";
}
