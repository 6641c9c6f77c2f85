using ContactSync.EventStore.Postgres;
using ContactSync.EventStore.Subscriptions;
using ContactSync.EventStore.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace ContactSync.EventStore.Projections;

/// <summary>
/// Runs one named projection exactly once per event: each batch is read (safe-position rule), applied and
/// checkpointed in one transaction. One owner at a time holds a session advisory lock; because a lock can be lost
/// silently (connection drop, failover), the checkpoint update is also fenced on the old position, so a stale
/// owner's batch rolls back instead of being applied twice. A rebuild runs another instance under a new name into
/// fresh tables.
/// </summary>
public sealed class PostgresProjectionRunner(
    PostgresEventStore store,
    string name,
    IPostgresProjection projection,
    ProjectionRunnerOptions? options = null,
    ILogger<PostgresProjectionRunner>? logger = null)
{
    private readonly ProjectionRunnerOptions _options = options ?? new();
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private volatile ProjectionState _state = ProjectionState.Stopped;
    private volatile Exception? _lastError;
    private readonly Lock _progressGate = new();
    private Position _position;
    private Position _head;
    private long _fenced;

    /// <summary>The checkpoint name of this projection.</summary>
    public string Name => name;

    /// <summary>Current state (for health checks).</summary>
    public ProjectionState State => _state;

    /// <summary>The last committed checkpoint of this instance.</summary>
    public Position Position
    {
        get { lock (_progressGate) return _position; }
        private set { lock (_progressGate) _position = value; }
    }

    /// <summary>The safe head of <c>$all</c> as last seen.</summary>
    public Position Head
    {
        get { lock (_progressGate) return _head; }
        private set { lock (_progressGate) _head = value; }
    }

    /// <summary>Approximate number of events behind the head (difference of global sequence numbers).</summary>
    public long ApproximateLag => Head.Prepare > Position.Prepare ? (long)(Head.Prepare - Position.Prepare) : 0;

    /// <summary>The error of the last failed batch, if the runner is faulted.</summary>
    public Exception? LastError => _lastError;

    /// <summary>How many batches were rolled back because another instance had moved the checkpoint.</summary>
    public long FencedBatches => Interlocked.Read(ref _fenced);

    /// <summary>Runs until cancelled: waits for ownership, then processes batches and stays live.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        store.StartWakeUps();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                _state = ProjectionState.Standby;
                await using var lockConn = await TryOwnAsync(ct);
                if (lockConn is null)
                {
                    await Task.Delay(_options.StandbyRetry, ct);
                    continue;
                }
                Log.ProjectionOwned(_logger, name);
                try
                {
                    await RunAsOwnerAsync(lockConn, ct);
                }
                catch (ProjectionFencedException)
                {
                    Interlocked.Increment(ref _fenced);
                    Log.ProjectionFenced(_logger, name);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    // The supervisor of the loop: the error is logged, exposed to health checks, and the batch retried.
                    _lastError = e;
                    _state = ProjectionState.Faulted;
                    Log.ProjectionFaulted(_logger, name, _options.FaultRetry, e);
                    await Task.Delay(_options.FaultRetry, ct);
                }
                finally
                {
                    await UnlockAsync(lockConn);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the open batch (if any) rolled back with its transaction.
        }
        _state = ProjectionState.Stopped;
    }

    private async Task RunAsOwnerAsync(NpgsqlConnection lockConn, CancellationToken ct)
    {
        var position = await LoadCheckpointAsync(ct);
        Position = position;
        // While catching up, the next page is read on another connection as this one is applied: the two halves of a
        // batch (PostgreSQL reading $all, this process folding and writing) overlap instead of taking turns. Events
        // below the safe horizon never change, so a page read ahead is the page the batch's transaction would read.
        (Position From, Task<AllPage> Page)? ahead = null;
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                // Lost the session lock's connection: give up ownership and compete again.
                if (lockConn.FullState != System.Data.ConnectionState.Open) return;
                var wakeUp = store.Signal.NextAsync();
                bool isEnd;
                // Connection and transaction are disposed exactly once, before waiting: Npgsql reuses a connector's
                // transaction object, so a second dispose after the connector went back to the pool would roll back
                // whatever transaction another caller has open on it.
                await using (var conn = await store.DataSource.OpenConnectionAsync(ct))
                await using (var tx = await conn.BeginTransactionAsync(ct))
                {
                    AllPage page;
                    if (ahead is { } next && next.From == position) page = await next.Page;
                    else
                    {
                        if (ahead is { } stale) await SettleAsync(stale.Page);
                        page = await PostgresEventStore.ReadPageAsync(conn, tx, position, _options.BatchSize, projection.Filter, ct);
                    }
                    ahead = null;
                    Head = page.Head;
                    if (!page.IsEnd) ahead = (page.ScannedTo, ReadAheadAsync(page.ScannedTo, ct));
                    if (page.ScannedTo > position)
                    {
                        using var activity = page.Events.Count > 0
                            ? TraceMetadata.StartHandling(EventStoreTelemetry.ActivitySource, $"projection.batch {name}", page.Events)
                            : null;
                        activity?.SetTag("projection.name", name);
                        activity?.SetTag("projection.event_count", page.Events.Count);
                        if (page.Events.Count > 0) await projection.ApplyAsync(conn, tx, page.Events, ct);
                        if (!await MoveCheckpointAsync(conn, tx, position, page.ScannedTo, ct))
                            throw new ProjectionFencedException();
                        await tx.CommitAsync(ct);
                        position = page.ScannedTo;
                        Position = position;
                        _lastError = null;
                    }
                    isEnd = page.IsEnd;
                }
                _state = isEnd ? ProjectionState.Live : ProjectionState.CatchingUp;
                if (!isEnd) continue;
                try
                {
                    await wakeUp.WaitAsync(_options.IdlePoll, ct);
                }
                catch (TimeoutException)
                {
                    // Fallback poll.
                }
            }
        }
        finally
        {
            // A batch that failed leaves its read-ahead behind: let it finish (its error is the batch's to report) so
            // that its connection is back in the pool before ownership is given up.
            if (ahead is { } pending) await SettleAsync(pending.Page);
        }
    }

    /// <summary>Waits for a read-ahead that will not be used, observing (and dropping) its error.</summary>
    private static Task SettleAsync(Task page) => page.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
        TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private async Task<AllPage> ReadAheadAsync(Position after, CancellationToken ct)
    {
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        return await PostgresEventStore.ReadPageAsync(conn, null, after, _options.BatchSize, projection.Filter, ct);
    }

    /// <summary>
    /// The connection holding the ownership lock, or null when another instance owns the projection or the database
    /// cannot be reached. A standby's errors (a server restarting, refusing connections) are retried like a batch's:
    /// were they to end the loop, the runner would project nothing again while it still looked like a standby.
    /// </summary>
    private async Task<NpgsqlConnection?> TryOwnAsync(CancellationToken ct)
    {
        NpgsqlConnection? conn = null;
        try
        {
            conn = await store.DataSource.OpenConnectionAsync(ct);
            if (await TryLockAsync(conn, ct)) return conn;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            _lastError = e;
            Log.ProjectionStandbyFailed(_logger, name, _options.StandbyRetry, e);
        }
        if (conn is not null) await conn.DisposeAsync();
        return null;
    }

    private async Task<bool> TryLockAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended('es-proj:' || $1, 0))", conn);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task UnlockAsync(NpgsqlConnection conn)
    {
        if (conn.FullState != System.Data.ConnectionState.Open) return;
        try
        {
            // Pooled connections are reset on return, but say it explicitly: the lock must not outlive ownership.
            await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The connection is gone, and a session lock dies with its session.
        }
    }

    private async Task<Position> LoadCheckpointAsync(CancellationToken ct)
    {
        await using var cmd = store.DataSource.CreateCommand("""
            WITH created AS (
              INSERT INTO es.checkpoints (subscription_id, partition) VALUES ($1, 0) ON CONFLICT DO NOTHING
              RETURNING commit_position, prepare_position)
            SELECT commit_position, prepare_position FROM created
            UNION ALL
            SELECT commit_position, prepare_position FROM es.checkpoints WHERE subscription_id = $1 AND partition = 0
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new Position(r.GetFieldValue<ulong>(0), (ulong)r.GetInt64(1));
    }

    private async Task<bool> MoveCheckpointAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Position from, Position to,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            UPDATE es.checkpoints SET commit_position = $2, prepare_position = $3, updated_at = now()
             WHERE subscription_id = $1 AND partition = 0 AND commit_position = $4 AND prepare_position = $5
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        cmd.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = to.Commit, NpgsqlDbType = NpgsqlDbType.Xid8 });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)to.Prepare });
        cmd.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = from.Commit, NpgsqlDbType = NpgsqlDbType.Xid8 });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)from.Prepare });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private sealed class ProjectionFencedException() : Exception("The checkpoint was moved by another instance.");
}
