namespace ContactSync.Projector.Projections;

/// <summary>
/// A table of a read model, created once per projection version as <c>rm.{Name}_v{version}</c>; the view
/// <c>rm.{Name}</c> selects the active version, so readers never see a half-built rebuild.
/// </summary>
/// <param name="Name">The view name readers use.</param>
/// <param name="Columns">Column definitions, including the primary key.</param>
/// <param name="Indexes">Index column lists (one index each), or a method and its expressions (<c>USING gin (...)</c>).</param>
/// <param name="IndexesServeWrites">
/// The projection's own statements look rows up by these indexes, so a rebuild creates them with the table; otherwise
/// they serve readers only and a rebuild creates them once it has caught up (before the swap), which spares every
/// replayed row their maintenance.
/// </param>
/// <param name="AddedColumns">
/// Columns added after the table's first release (each with a default, e.g. <c>provider_requests bigint NOT NULL DEFAULT 0</c>):
/// part of a new table like the others, and added in place to a table a database already holds, which keeps the read
/// model serving through the deploy; <see cref="Schema.ReadModelSchema"/> then requests a rebuild of the projection,
/// so the new columns get what the history before them folds to.
/// </param>
internal sealed record ReadModelTable(string Name, string Columns, IReadOnlyList<string> Indexes, bool IndexesServeWrites = false,
    IReadOnlyList<string>? AddedColumns = null)
{
    public string View => $"rm.{Name}";

    public string Versioned(int version) => $"rm.{Name}_v{version}";

    public IEnumerable<string> CreateSql(int version, bool deferIndexes = false, bool unlogged = false)
    {
        var added = AddedColumns ?? [];
        yield return $"CREATE {(unlogged ? "UNLOGGED " : "")}TABLE IF NOT EXISTS {Versioned(version)} ({string.Join(", ", [Columns, .. added])})";
        foreach (var column in added) yield return $"ALTER TABLE {Versioned(version)} ADD COLUMN IF NOT EXISTS {column}";
        if (!deferIndexes || IndexesServeWrites)
            foreach (var sql in CreateIndexesSql(version)) yield return sql;
    }

    public IEnumerable<string> CreateIndexesSql(int version)
    {
        for (var i = 0; i < Indexes.Count; i++)
            yield return Indexes[i].StartsWith("USING ", StringComparison.Ordinal)
                ? $"CREATE INDEX IF NOT EXISTS ix_{Name}_v{version}_{i} ON {Versioned(version)} {Indexes[i]}"
                : $"CREATE INDEX IF NOT EXISTS ix_{Name}_v{version}_{i} ON {Versioned(version)} ({Indexes[i]})";
    }

    /// <summary>Makes a rebuild's unlogged table crash-safe (rewrites it into the WAL; a no-op when already logged).</summary>
    public string SetLoggedSql(int version) => $"ALTER TABLE {Versioned(version)} SET LOGGED";

    /// <summary>Points the view at a version (drop and create: the shape is the same, but a view cannot be re-pointed at a table whose columns were renamed).</summary>
    public string PointViewSql(int version) =>
        $"DROP VIEW IF EXISTS {View}; CREATE VIEW {View} AS SELECT * FROM {Versioned(version)}";
}
