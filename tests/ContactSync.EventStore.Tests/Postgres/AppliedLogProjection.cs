using ContactSync.EventStore.Projections;
using Npgsql;
using NpgsqlTypes;

namespace ContactSync.EventStore.Tests.Postgres;

/// <summary>
/// A projection that logs every applied event as a row, with no unique key, so a duplicate application would
/// show up as a second row. <paramref name="afterWrite"/> lets a test stop inside a batch after its writes.
/// </summary>
internal sealed class AppliedLogProjection(string table, Func<IReadOnlyList<RecordedEvent>, CancellationToken, Task>? afterWrite = null)
    : IPostgresProjection
{
    public static async Task CreateTableAsync(NpgsqlDataSource dataSource, string table)
    {
        await using var cmd = dataSource.CreateCommand(
            $"CREATE TABLE {table} (event_id uuid NOT NULL, stream text NOT NULL, revision bigint NOT NULL)");
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<(long Rows, long Distinct)> CountAsync(NpgsqlDataSource dataSource, string table)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT count(*), count(DISTINCT event_id) FROM {table}");
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<RecordedEvent> events, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"INSERT INTO {table} (event_id, stream, revision) SELECT * FROM unnest($1, $2, $3)", connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = events.Select(e => e.EventId).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events.Select(e => e.Stream.Value).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<long[]>
        {
            TypedValue = events.Select(e => (long)e.Revision.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint,
        });
        await cmd.ExecuteNonQueryAsync(ct);
        if (afterWrite is not null) await afterWrite(events, ct);
    }
}
