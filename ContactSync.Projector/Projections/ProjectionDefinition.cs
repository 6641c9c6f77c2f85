using ContactSync.EventStore;
using ContactSync.EventStore.Projections;
using Microsoft.Extensions.Logging;

namespace ContactSync.Projector.Projections;

/// <summary>A named projection: its tables and how to make the code that fills one version of them.</summary>
internal sealed record ProjectionDefinition(
    string Name,
    IReadOnlyList<ReadModelTable> Tables,
    EventFilter? Filter,
    Func<ProjectionTables, ILoggerFactory, IPostgresProjection> Create)
{
    /// <summary>The checkpoint (and ownership lock) id of one version: <c>contacts@v2</c>.</summary>
    public string CheckpointId(int version) => $"{Name}@v{version}";

    public ProjectionTables TablesOf(int version) => new(Name, version, Tables);
}

/// <summary>The concrete table names of one version of a projection.</summary>
internal sealed record ProjectionTables(string Projection, int Version, IReadOnlyList<ReadModelTable> Tables)
{
    public string this[string name] => Tables.First(t => t.Name == name).Versioned(Version);
}
