using ContactSync.EventStore.Subscriptions;
using Npgsql;
using NpgsqlTypes;

namespace ContactSync.EventStore.Postgres;

public sealed partial class PostgresEventStore
{
    private const string Columns =
        "s.stream_name, e.stream_revision, e.transaction_id, e.global_position, e.event_id, e.event_type, e.data, e.metadata, e.created";

    // Everything below the oldest running transaction id is final: no earlier transaction can still commit.
    private const string BelowHorizon = "e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())";

    /// <inheritdoc/>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(StreamName stream, Direction direction,
        StreamPosition from, long maxCount, CancellationToken ct = default)
    {
        // No horizon here: the stream row lock means revision n+1 can never commit before revision n.
        var (cmp, order) = direction == Direction.Forwards ? (">=", "ASC") : ("<=", "DESC");
        await using var cmd = _dataSource.CreateCommand($"""
            SELECT s.state, s.revision, x.* FROM es.streams s LEFT JOIN LATERAL (
              SELECT {Columns} FROM es.events e
               WHERE e.stream_id = s.stream_id AND e.stream_revision {cmp} $2
                 AND e.stream_revision >= greatest(s.truncate_before, s.revision - coalesce(s.max_count, s.revision + 1) + 1)
                 AND e.stream_revision <= s.revision
                 AND (s.max_age IS NULL OR e.created >= now() - s.max_age)
               ORDER BY e.stream_revision {order} LIMIT $3) x ON true
             WHERE s.stream_name = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream.Value });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)Math.Min(from.Value, long.MaxValue) });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Math.Max(0, maxCount) });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var events = new List<RecordedEvent>();
        while (await r.ReadAsync(ct))
        {
            switch (r.GetInt16(0))
            {
                case 2: throw new StreamDeletedException(stream);
                case 1: throw new StreamNotFoundException(stream);
            }
            if (r.GetInt64(1) < 0) throw new StreamNotFoundException(stream);
            if (!r.IsDBNull(2)) events.Add(ReadRecord(r, 2));
        }
        return events.Count == 0 && !r.HasRows ? throw new StreamNotFoundException(stream) : events;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(Direction direction, Position from, long maxCount,
        EventFilter? filter = null, CancellationToken ct = default)
    {
        var (cmp, order) = direction == Direction.Forwards ? (">=", "ASC") : ("<", "DESC");
        await using var cmd = _dataSource.CreateCommand($"""
            SELECT {Columns} FROM es.events e JOIN es.streams s ON s.stream_id = e.stream_id
             WHERE (e.transaction_id, e.global_position) {cmp} ($1, $2) AND {BelowHorizon}{FilterSql(filter)}
             ORDER BY e.transaction_id {order}, e.global_position {order} LIMIT $3
            """);
        AddPosition(cmd, from);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Math.Max(0, maxCount) });
        AddFilter(cmd, filter);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var events = new List<RecordedEvent>();
        while (await r.ReadAsync(ct)) events.Add(ReadRecord(r, 0));
        return events;
    }

    /// <inheritdoc/>
    public async Task<Position> GetHeadPositionAsync(CancellationToken ct = default)
    {
        await using var conn = await _dataSource.OpenConnectionAsync(ct);
        return await ReadHeadAsync(conn, ct);
    }

    internal static async Task<Position> ReadHeadAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT e.transaction_id, e.global_position FROM es.events e WHERE {BelowHorizon}
             ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1
            """, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new Position(r.GetFieldValue<ulong>(0), (ulong)r.GetInt64(1)) : Position.Start;
    }

    private async Task<AllPage> ReadPageAsync(Position after, int max, EventFilter? filter, CancellationToken ct)
    {
        await using var conn = await _dataSource.OpenConnectionAsync(ct);
        return await ReadPageAsync(conn, null, after, max, filter, ct);
    }

    /// <summary>
    /// A subscriber's page: matching events after <paramref name="after"/> up to the safe head, read with the head in
    /// one statement (one snapshot), so the page can report how far it scanned even when the filter matched nothing.
    /// </summary>
    internal static async Task<AllPage> ReadPageAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Position after,
        int max, EventFilter? filter, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            WITH head AS (
              SELECT e.transaction_id AS hc, e.global_position AS hp FROM es.events e WHERE {BelowHorizon}
               ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1)
            SELECT h.hc, h.hp, x.* FROM head h LEFT JOIN LATERAL (
              SELECT {Columns} FROM es.events e JOIN es.streams s ON s.stream_id = e.stream_id
               WHERE (e.transaction_id, e.global_position) > ($1, $2)
                 AND (e.transaction_id, e.global_position) <= (h.hc, h.hp){FilterSql(filter)}
               ORDER BY e.transaction_id, e.global_position LIMIT $3) x ON true
            """, conn, tx);
        AddPosition(cmd, after);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = max });
        AddFilter(cmd, filter);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var events = new List<RecordedEvent>();
        var head = Position.Start;
        while (await r.ReadAsync(ct))
        {
            head = new Position(r.GetFieldValue<ulong>(0), (ulong)r.GetInt64(1));
            if (!r.IsDBNull(2)) events.Add(ReadRecord(r, 2));
        }
        return events.Count == max
            ? new AllPage(events, events[^1].Position, head)
            : new AllPage(events, head > after ? head : after, head);
    }

    private static string FilterSql(EventFilter? filter) =>
        (filter?.StreamPrefixes.Count > 0 ? " AND s.stream_name LIKE ANY($4)" : "") +
        (filter?.EventTypes.Count > 0 ? " AND e.event_type = ANY($5)" : "");

    private static void AddPosition(NpgsqlCommand cmd, Position position)
    {
        cmd.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = position.Commit, NpgsqlDbType = NpgsqlDbType.Xid8 });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)Math.Min(position.Prepare, long.MaxValue) });
    }

    private static void AddFilter(NpgsqlCommand cmd, EventFilter? filter)
    {
        // Positional parameters $4/$5 must exist whenever referenced; unused ones are harmless.
        var prefixes = filter?.StreamPrefixes.Select(p => EscapeLike(p) + "%").ToArray() ?? [];
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = prefixes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<string[]>
        {
            TypedValue = filter?.EventTypes.ToArray() ?? [], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
        });
    }

    private static string EscapeLike(string s) => s.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");

    private static RecordedEvent ReadRecord(NpgsqlDataReader r, int o) => new(
        new StreamName(r.GetString(o)),
        (ulong)r.GetInt64(o + 1),
        new Position(r.GetFieldValue<ulong>(o + 2), (ulong)r.GetInt64(o + 3)),
        r.GetGuid(o + 4),
        r.GetString(o + 5),
        r.GetFieldValue<byte[]>(o + 6),
        r.IsDBNull(o + 7) ? default : r.GetFieldValue<byte[]>(o + 7),
        r.GetFieldValue<DateTimeOffset>(o + 8));
}
