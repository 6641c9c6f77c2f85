namespace ContactSync.Projector.Projections;

/// <summary>
/// A table of a read model, created once per projection version as <c>rm.{Name}_v{version}</c>; the view
/// <c>rm.{Name}</c> selects the active version, so readers never see a half-built rebuild.
/// </summary>
/// <param name="Name">The view name readers use.</param>
/// <param name="Columns">Column definitions, including the primary key.</param>
/// <param name="Indexes">Index column lists (one index each).</param>
internal sealed record ReadModelTable(string Name, string Columns, IReadOnlyList<string> Indexes)
{
    public string View => $"rm.{Name}";

    public string Versioned(int version) => $"rm.{Name}_v{version}";

    public IEnumerable<string> CreateSql(int version)
    {
        yield return $"CREATE TABLE IF NOT EXISTS {Versioned(version)} ({Columns})";
        for (var i = 0; i < Indexes.Count; i++)
            yield return $"CREATE INDEX IF NOT EXISTS ix_{Name}_v{version}_{i} ON {Versioned(version)} ({Indexes[i]})";
    }

    /// <summary>Points the view at a version (drop and create: the shape is the same, but a view cannot be re-pointed at a table whose columns were renamed).</summary>
    public string PointViewSql(int version) =>
        $"DROP VIEW IF EXISTS {View}; CREATE VIEW {View} AS SELECT * FROM {Versioned(version)}";
}
