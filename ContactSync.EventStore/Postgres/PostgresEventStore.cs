using System.Text;
using ContactSync.EventStore.Subscriptions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace ContactSync.EventStore.Postgres;

/// <summary>
/// The event store on PostgreSQL (schema <c>es</c>, see <see cref="PostgresEventStoreSchema"/>). Appends are one
/// round trip to <c>es.append_to_stream</c>; <c>$all</c> reads and subscriptions only see transactions below the
/// xid horizon, so a slow writer delays but never loses events for readers.
/// </summary>
/// <remarks>
/// <para>Consequences of the horizon: an append is visible in its stream at once, but in <c>$all</c> only when every
/// transaction that started writing before it has ended, in any database of the cluster. Keep write transactions short
/// (set <c>idle_in_transaction_session_timeout</c> for application roles) and watch the age of the oldest writer.</para>
/// <para>Positions embed transaction ids (xid8). Physical backups and replicas keep them; a logical restore
/// (<c>pg_dump</c>) into a new cluster restarts from lower ids, so checkpoints must be reset after one.</para>
/// </remarks>
public sealed partial class PostgresEventStore : IEventStore, IAsyncDisposable
{
    private const int MaxOrderingRetries = 50;
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly Lazy<PostgresHeadNotifier> _notifier;

    /// <summary>Creates a store over a data source; the schema must exist (<see cref="PostgresEventStoreSchema"/>).</summary>
    /// <param name="dataSource">Connections to the store's database; not disposed by the store.</param>
    /// <param name="logger">Logger for the background wake-up machinery.</param>
    /// <param name="tickInterval">How often the ticker polls the safe head (default 20 ms).</param>
    public PostgresEventStore(NpgsqlDataSource dataSource, ILogger<PostgresEventStore>? logger = null,
        TimeSpan? tickInterval = null)
    {
        _dataSource = dataSource;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _notifier = new(() => new PostgresHeadNotifier(dataSource, Signal, tickInterval ?? TimeSpan.FromMilliseconds(20), _logger));
    }

    /// <summary>Raised after every local write and on every head move seen by the ticker.</summary>
    public WakeUpSignal Signal { get; } = new();

    /// <summary>The data source (for projections that write read models in the same database).</summary>
    public NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Number of appends retried because of the stream ordering guard (SQLSTATE 40001).</summary>
    public long OrderingRetries => Interlocked.Read(ref _orderingRetries);

    private long _orderingRetries;

    /// <inheritdoc/>
    public async Task<AppendResult> AppendToStreamAsync(StreamName stream, ExpectedRevision expected,
        IReadOnlyList<EventData> events, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(events.Count);
        var ids = new Guid[events.Count];
        var types = new string[events.Count];
        var data = new string[events.Count];
        var meta = new string?[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            ids[i] = events[i].EventId;
            types[i] = events[i].Type;
            data[i] = Encoding.UTF8.GetString(events[i].Data.Span);
            meta[i] = events[i].Metadata.IsEmpty ? null : Encoding.UTF8.GetString(events[i].Metadata.Span);
        }
        if (new HashSet<Guid>(ids).Count != ids.Length)
            throw new ArgumentException("Event ids must be distinct within one append.", nameof(events));

        var checkIds = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await AppendOnceAsync(stream, expected, ids, types, data, meta, checkIds, ct);
                Signal.Set();
                return result;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.SerializationFailure && attempt < MaxOrderingRetries)
            {
                // The ordering guard: a transaction with a later xid appended to this stream first. A new call gets a
                // new, larger xid, so $all order stays equal to stream order.
                Interlocked.Increment(ref _orderingRetries);
            }
            catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "uq_events_stream_event_id" } && !checkIds)
            {
                // Some event ids are already in the stream (a retried append): nothing was written; ask the slow
                // path whether this is an exact repeat (idempotent success) or a partial one.
                checkIds = true;
            }
        }
    }

    private async Task<AppendResult> AppendOnceAsync(StreamName stream, ExpectedRevision expected, Guid[] ids,
        string[] types, string[] data, string?[] meta, bool checkIds, CancellationToken ct)
    {
        await using var cmd = _dataSource.CreateCommand(
            "SELECT status, next_revision, commit_position, last_position FROM es.append_to_stream($1, $2, $3, $4, $5, $6, $7)");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expected.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = meta, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = checkIds });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var status = reader.GetInt32(0);
        var revision = reader.GetInt64(1);
        return status switch
        {
            0 or 1 => new AppendResult((ulong)revision,
                new Position(reader.GetFieldValue<ulong>(2), (ulong)reader.GetInt64(3))),
            2 => throw new WrongExpectedVersionException(stream, expected, revision < 0 ? null : (ulong)revision),
            3 => throw new StreamDeletedException(stream),
            4 => throw new IdempotencyMismatchException(stream),
            _ => throw new InvalidOperationException($"Unknown append status {status}."),
        };
    }

    /// <inheritdoc/>
    public Task DeleteStreamAsync(StreamName stream, ExpectedRevision expected, CancellationToken ct = default) =>
        DeleteAsync(stream, expected, hard: false, ct);

    /// <inheritdoc/>
    public Task TombstoneAsync(StreamName stream, ExpectedRevision expected, CancellationToken ct = default) =>
        DeleteAsync(stream, expected, hard: true, ct);

    private async Task DeleteAsync(StreamName stream, ExpectedRevision expected, bool hard, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var cmd = _dataSource.CreateCommand("SELECT status, actual_revision FROM es.delete_stream($1, $2, $3)");
                cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream.Value });
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expected.Value });
                cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = hard });
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                var (status, actual) = (reader.GetInt32(0), reader.GetInt64(1));
                switch (status)
                {
                    case 2: throw new WrongExpectedVersionException(stream, expected, actual < 0 ? null : (ulong)actual);
                    case 3: throw new StreamDeletedException(stream);
                }
                Signal.Set();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.SerializationFailure && attempt < MaxOrderingRetries)
            {
                Interlocked.Increment(ref _orderingRetries);
            }
        }
    }

    /// <inheritdoc/>
    public async Task SetStreamMetadataAsync(StreamName stream, StreamMetadata metadata, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand("SELECT es.set_stream_metadata($1, $2, $3, $4, $5)");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream.Value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)metadata.MaxCount ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)metadata.MaxAge ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Interval });
        cmd.Parameters.Add(new NpgsqlParameter
        {
            Value = metadata.TruncateBefore is { } tb ? (long)tb.Value : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint,
        });
        cmd.Parameters.Add(new NpgsqlParameter
        {
            Value = metadata.CustomMetadata.IsEmpty ? DBNull.Value : Encoding.UTF8.GetString(metadata.CustomMetadata.Span),
            NpgsqlDbType = NpgsqlDbType.Jsonb,
        });
        if ((int)(await cmd.ExecuteScalarAsync(ct))! == 3) throw new StreamDeletedException(stream);
    }

    /// <inheritdoc/>
    public async Task<StreamMetadata> GetStreamMetadataAsync(StreamName stream, CancellationToken ct = default)
    {
        await using var cmd = _dataSource.CreateCommand(
            "SELECT state, max_count, max_age, truncate_before, metadata::text FROM es.streams WHERE stream_name = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream.Value });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return StreamMetadata.None;
        if (r.GetInt16(0) == 2) throw new StreamDeletedException(stream);
        return new StreamMetadata(
            r.IsDBNull(1) ? null : r.GetInt64(1),
            r.IsDBNull(2) ? null : r.GetFieldValue<TimeSpan>(2),
            r.GetInt64(3) > 0 ? (ulong)r.GetInt64(3) : null,
            r.IsDBNull(4) ? default : Encoding.UTF8.GetBytes(r.GetString(4)));
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<SubscriptionMessage> SubscribeToAll(FromAll start, EventFilter? filter = null,
        CancellationToken ct = default)
    {
        _notifier.Value.EnsureStarted();
        return CatchUpSubscription.RunAsync(ReadPageAsync, Signal, start, filter, ct);
    }

    /// <summary>Starts the LISTEN connection and the head ticker (done on the first subscription otherwise).</summary>
    public void StartWakeUps() => _notifier.Value.EnsureStarted();

    /// <summary>Stops the background wake-up machinery. The data source is not disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_notifier.IsValueCreated) await _notifier.Value.DisposeAsync();
    }
}
