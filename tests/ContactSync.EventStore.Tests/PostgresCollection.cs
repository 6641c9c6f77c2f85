using ContactSync.Testing;

namespace ContactSync.EventStore.Tests;

/// <summary>
/// PostgreSQL tests run one at a time: the xid horizon is cluster-wide, so a test that holds a transaction open on
/// purpose would otherwise delay the $all reads of the tests running beside it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "Postgres";
}
