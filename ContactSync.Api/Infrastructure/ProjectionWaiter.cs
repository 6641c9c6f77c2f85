using ContactSync.Api.Infrastructure;
using ContactSync.EventStore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ContactSync.Api.Infrastructure;

/// <summary>
/// Read-your-writes: lets a request wait until projections have processed a log position. One poller per API
/// instance reads every live checkpoint in one query, and only while somebody waits, so a burst of writes costs
/// one query per poll interval instead of a query loop per request.
/// </summary>
public sealed partial class ProjectionWaiter(ReadModelDb db, IOptions<ApiOptions> options, ILogger<ProjectionWaiter> logger)
    : IAsyncDisposable
{
    // The live checkpoint of each projection is the one of its active version (a rebuild runs under another id).
    private const string CheckpointsSql = """
        SELECT p.name, c.commit_position, c.prepare_position
          FROM rm.projections p
          JOIN es.checkpoints c ON c.subscription_id = p.name || '@v' || p.active_version AND c.partition = 0
        """;

    private readonly Lock _gate = new();
    private readonly List<Waiter> _waiters = [];
    private readonly Dictionary<string, Position> _known = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task? _poller;

    /// <summary>True when every named projection has reached <paramref name="target"/> within the configured wait.</summary>
    public async Task<bool> WaitAsync(Position target, IReadOnlyList<string> projections, CancellationToken ct)
    {
        var waiter = new Waiter(target, projections);
        lock (_gate)
        {
            if (IsSatisfied(waiter)) return true;
            _waiters.Add(waiter);
            _poller ??= Task.Run(PollAsync);
        }
        try
        {
            await waiter.Done.Task.WaitAsync(TimeSpan.FromMilliseconds(options.Value.ProjectionWaitMs), ct);
            return true;
        }
        catch (TimeoutException)
        {
            Log.WaitTimedOut(logger, LogPosition.Format(target), string.Join(",", projections));
            return false;
        }
        finally
        {
            lock (_gate) _waiters.Remove(waiter);
        }
    }

    private async Task PollAsync()
    {
        try
        {
            await PollWhileWaitedAsync();
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            // The supervisor of the loop: waiters then time out and answer normally; the next wait starts a new loop.
            Log.PollerStopped(logger, e);
            lock (_gate) _poller = null;
        }
    }

    private async Task PollWhileWaitedAsync()
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.ProjectionPollMs);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var positions = await ReadCheckpointsAsync(_stop.Token);
                lock (_gate)
                {
                    foreach (var (name, position) in positions) _known[name] = position;
                    foreach (var w in _waiters.Where(IsSatisfied)) w.Done.TrySetResult();
                    _waiters.RemoveAll(w => w.Done.Task.IsCompleted);
                    if (_waiters.Count == 0)
                    {
                        // Cleared under the same lock a new waiter takes, so a waiter never relies on a finishing loop.
                        _poller = null;
                        return;
                    }
                }
            }
            catch (NpgsqlException e)
            {
                // The read models may not exist yet (projector starting): waiters time out and answer normally.
                Log.PollFailed(logger, e);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            try
            {
                await Task.Delay(interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<List<(string, Position)>> ReadCheckpointsAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(CheckpointsSql);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<(string, Position)>(4);
        while (await r.ReadAsync(ct)) list.Add((r.GetString(0), new Position(r.GetFieldValue<ulong>(1), (ulong)r.GetInt64(2))));
        return list;
    }

    private bool IsSatisfied(Waiter w) =>
        w.Projections.All(p => _known.TryGetValue(p, out var at) && at >= w.Target);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
    }

    private sealed record Waiter(Position Target, IReadOnlyList<string> Projections)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Warning, "Projections {Projections} did not reach {Position} in time; answering anyway")]
        public static partial void WaitTimedOut(ILogger logger, string position, string projections);

        [LoggerMessage(LogLevel.Error, "The projection checkpoint poller stopped")]
        public static partial void PollerStopped(ILogger logger, Exception exception);

        [LoggerMessage(LogLevel.Warning, "Reading projection checkpoints failed")]
        public static partial void PollFailed(ILogger logger, Exception exception);
    }
}
