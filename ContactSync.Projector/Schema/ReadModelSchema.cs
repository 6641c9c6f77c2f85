using ContactSync.Projector.Projections;
using Npgsql;

namespace ContactSync.Projector.Schema;

/// <summary>
/// The <c>rm</c> schema: the projections' control table, the versioned tables with their views, and the checksum
/// functions (in SQL so that the API computes the same digest without sharing code). Idempotent, and serialised
/// with a transaction-scoped advisory lock so that instances starting together do not race on DDL.
/// </summary>
internal static class ReadModelSchema
{
    public static async Task EnsureAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await ExecuteAsync(conn, tx, """
            SELECT pg_advisory_xact_lock(hashtextextended('rm-schema', 0));
            CREATE SCHEMA IF NOT EXISTS rm;
            CREATE TABLE IF NOT EXISTS rm.projections (
              name text PRIMARY KEY,
              active_version int NOT NULL DEFAULT 1,
              state text NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'rebuilding')),
              rebuild_version int NULL,
              rebuild_requested_at timestamptz NULL,
              rebuilt_at timestamptz NULL,
              checksum text NULL,
              rebuild_checksum text NULL);
            -- Added with the recovery of failed rebuilds: why the last request or rebuild failed, and when.
            ALTER TABLE rm.projections ADD COLUMN IF NOT EXISTS rebuild_error text NULL;
            ALTER TABLE rm.projections ADD COLUMN IF NOT EXISTS rebuild_failed_at timestamptz NULL;
            """, ct);
        await ExecuteAsync(conn, tx, MatchKeyFunctionsSql, ct);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO rm.projections (name) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING", conn, tx))
        {
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. ProjectionCatalog.All.Select(p => p.Name)] });
            await insert.ExecuteNonQueryAsync(ct);
        }
        var versions = new List<(string Name, int Active, int? Rebuild)>();
        await using (var read = new NpgsqlCommand("SELECT name, active_version, rebuild_version FROM rm.projections", conn, tx))
        await using (var r = await read.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                versions.Add((r.GetString(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt32(2)));
        foreach (var (name, active, rebuild) in versions)
        {
            if (ProjectionCatalog.Find(name) is not { } definition) continue;
            var outdated = await LacksAddedColumnsAsync(conn, tx, definition, active, ct) || await LacksAddedTablesAsync(conn, tx, definition, active, ct);
            await ExecuteAsync(conn, tx, CreateTablesSql(definition, active), ct);
            // The added columns start at their defaults; the history before them may hold what they fold (e.g.
            // request counts of earlier runs), so the projection is rebuilt to fill them, live meanwhile.
            if (outdated)
                await ExecuteAsync(conn, tx, $"UPDATE rm.projections SET rebuild_requested_at = now() WHERE name = '{definition.Name}' AND state = 'live' AND rebuild_requested_at IS NULL", ct);
            if (rebuild is { } v) await ExecuteAsync(conn, tx, CreateTablesSql(definition, v, deferIndexes: true, unlogged: true), ct);
            // Re-pointing drops the view, which fails the readers that wait on it (an instance starting beside a
            // serving API): only a view that is missing or behind its table is re-created.
            foreach (var table in definition.Tables)
                if (!await ViewIsCurrentAsync(conn, tx, table, active, ct)) await ExecuteAsync(conn, tx, table.PointViewSql(active), ct);
        }
        await ExecuteAsync(conn, tx, ChecksumFunctionsSql(), ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// <c>rm.email_keys(state)</c> and <c>rm.phone_keys(state)</c>: a contact state's e-mails (trimmed, lower case) and
    /// phones (normalised, else their digits when there are at least six), as <c>MatchKeys</c> computes them, so that
    /// expression indexes find the likely duplicates of a contact (rule 15) without columns of their own. Immutable
    /// and defined before the tables, whose indexes use them.
    /// </summary>
    private const string MatchKeyFunctionsSql = """
        CREATE OR REPLACE FUNCTION rm.email_keys(state jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT coalesce(array_agg(DISTINCT lower(btrim(e->>'value'))), '{}')
            FROM jsonb_array_elements(coalesce(state->'fields'->'emails', '[]')) e
           WHERE btrim(e->>'value') <> '' $$;
        CREATE OR REPLACE FUNCTION rm.phone_keys(state jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT coalesce(array_agg(DISTINCT k), '{}') FROM (
            SELECT coalesce(nullif(p->>'normalized', ''),
                   CASE WHEN length(regexp_replace(p->>'value', '\D', '', 'g')) >= 6 THEN regexp_replace(p->>'value', '\D', '', 'g') END) AS k
              FROM jsonb_array_elements(coalesce(state->'fields'->'phones', '[]')) p) keys
           WHERE k IS NOT NULL $$;
        """;

    /// <summary>Whether <c>rm.{name}</c> selects from the version's table and has all of its columns.</summary>
    private static async Task<bool> ViewIsCurrentAsync(NpgsqlConnection conn, NpgsqlTransaction tx, ReadModelTable table, int version, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT EXISTS (SELECT 1 FROM information_schema.view_table_usage
                            WHERE view_schema = 'rm' AND view_name = $1 AND table_schema = 'rm' AND table_name = $2)
               AND (SELECT count(*) FROM information_schema.columns WHERE table_schema = 'rm' AND table_name = $1)
                 = (SELECT count(*) FROM information_schema.columns WHERE table_schema = 'rm' AND table_name = $2)
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.Name });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{table.Name}_v{version}" });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Whether a table of the version exists without some of its <see cref="ReadModelTable.AddedColumns"/>.</summary>
    private static async Task<bool> LacksAddedColumnsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, ProjectionDefinition definition, int version, CancellationToken ct)
    {
        foreach (var table in definition.Tables.Where(t => t.AddedColumns is { Count: > 0 }))
        {
            await using var cmd = new NpgsqlCommand("""
                SELECT to_regclass($1) IS NOT NULL AND (SELECT count(*) FROM information_schema.columns
                 WHERE table_schema = 'rm' AND table_name = $2 AND column_name = ANY($3)) < cardinality($3)
                """, conn, tx);
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.Versioned(version) });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{table.Name}_v{version}" });
            cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. table.AddedColumns!.Select(c => c.Split(' ', 2)[0])] });
            if ((bool)(await cmd.ExecuteScalarAsync(ct))!) return true;
        }
        return false;
    }

    /// <summary>
    /// Whether the version has some of its tables but not all: a table added to a projection after its first release
    /// (the sync runs and conflicts of the connections projection) starts empty, so the history must be folded into it.
    /// </summary>
    private static async Task<bool> LacksAddedTablesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, ProjectionDefinition definition, int version, CancellationToken ct)
    {
        if (definition.Tables.Count < 2) return false;
        await using var cmd = new NpgsqlCommand("SELECT count(*) FILTER (WHERE to_regclass(t) IS NOT NULL)::int FROM unnest($1::text[]) t", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. definition.Tables.Select(t => t.Versioned(version))] });
        var present = (int)(await cmd.ExecuteScalarAsync(ct))!;
        return present > 0 && present < definition.Tables.Count;
    }

    /// <param name="deferIndexes">For a rebuild: leave out the indexes only readers use (<see cref="CreateIndexesSql"/> adds them).</param>
    /// <param name="unlogged">For a rebuild: no WAL while replaying (see <see cref="Hosting.RebuildSwap"/>).</param>
    public static string CreateTablesSql(ProjectionDefinition definition, int version, bool deferIndexes = false, bool unlogged = false) =>
        string.Join(";\n", definition.Tables.SelectMany(t => t.CreateSql(version, deferIndexes, unlogged)));

    /// <summary>Makes every table of a version logged (crash-safe).</summary>
    public static string SetLoggedSql(ProjectionDefinition definition, int version) =>
        string.Join(";\n", definition.Tables.Select(t => t.SetLoggedSql(version)));

    /// <summary>Every index of a version's tables (idempotent).</summary>
    public static string CreateIndexesSql(ProjectionDefinition definition, int version) =>
        string.Join(";\n", definition.Tables.SelectMany(t => t.CreateIndexesSql(version)));

    public static string DropTablesSql(ProjectionDefinition definition, int version) =>
        string.Join(";\n", definition.Tables.Select(t => $"DROP TABLE IF EXISTS {t.Versioned(version)}"));

    public static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        // A projection whose tables have no indexes has no index statements.
        if (string.IsNullOrWhiteSpace(sql)) return;
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// <c>rm.projection_checksum(name, version default active)</c>: an order-independent digest of every row of the
    /// projection's tables (row count and two sums of 60-bit slices of each row's md5), in UTC so that timestamps
    /// print the same in every session.
    /// </summary>
    private static string ChecksumFunctionsSql()
    {
        var cases = string.Join("\n", ProjectionCatalog.All.Select(p =>
            $"    WHEN '{p.Name}' THEN ARRAY[{string.Join(", ", p.Tables.Select(t => $"'{t.Name}'"))}]"));
        return $$"""
            CREATE OR REPLACE FUNCTION rm.table_checksum(p_table regclass) RETURNS text
              LANGUAGE plpgsql STABLE SET TimeZone = 'UTC' SET DateStyle = 'ISO, MDY' AS $fn$
            DECLARE result text;
            BEGIN
              EXECUTE format('SELECT count(*) || '':'' || coalesce(sum((''x'' || substr(h, 1, 15))::bit(60)::bigint), 0)'
                || ' || '':'' || coalesce(sum((''x'' || substr(h, 16, 15))::bit(60)::bigint), 0)'
                || ' FROM (SELECT md5(t::text) AS h FROM %s t) s', p_table) INTO result;
              RETURN result;
            END $fn$;

            CREATE OR REPLACE FUNCTION rm.projection_checksum(p_name text, p_version int DEFAULT NULL) RETURNS text
              LANGUAGE plpgsql STABLE AS $fn$
            DECLARE
              v int := coalesce(p_version, (SELECT active_version FROM rm.projections WHERE name = p_name));
              tables text[] := CASE p_name
            {{cases}}
                END;
              t text;
              parts text := '';
            BEGIN
              IF tables IS NULL OR v IS NULL THEN RETURN NULL; END IF;
              FOREACH t IN ARRAY tables LOOP
                parts := parts || t || '=' || rm.table_checksum(format('rm.%I', t || '_v' || v)::regclass) || ';';
              END LOOP;
              RETURN md5(parts);
            END $fn$;
            """;
    }
}
