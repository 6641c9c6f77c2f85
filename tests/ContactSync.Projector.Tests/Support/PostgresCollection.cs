using ContactSync.Testing;

namespace ContactSync.Projector.Tests.Support;

/// <summary>
/// One PostgreSQL server for the whole run; tests run one at a time because each hosts projector instances whose
/// runners compete for the two cores, and the xid horizon (which gates $all reads) is cluster-wide.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "Postgres";
}
