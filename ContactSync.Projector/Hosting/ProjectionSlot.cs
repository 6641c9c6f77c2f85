using ContactSync.EventStore;
using ContactSync.EventStore.Postgres;
using ContactSync.EventStore.Projections;
using ContactSync.Projector.Projections;
using ContactSync.Projector.Schema;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ContactSync.Projector.Hosting;

/// <summary>
/// Supervises one projection on this instance: runs the runner of the active version (owner or standby), and
/// when this instance owns it, drives a requested rebuild: fresh tables, a second runner from the start, and the
/// swap once it is live (<see cref="RebuildSwap"/>). It polls <c>rm.projections</c> every control interval, so a
/// request is seen whenever it was made (also before this instance started), and a rebuild another instance began
/// and left is taken over. A request or rebuild that fails with an error retrying will not cure is given up with
/// that error recorded (<see cref="RebuildSwap.FailRequestAsync"/>, <see cref="RebuildSwap.AbandonAsync"/>); passing
/// errors (connection, server restarting) are retried.
/// </summary>
internal sealed class ProjectionSlot(
    ProjectionDefinition definition,
    PostgresEventStore store,
    IOptions<ProjectorOptions> options,
    ILoggerFactory loggerFactory,
    TimeProvider time)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ProjectionSlot>();
    private readonly ProjectorOptions _options = options.Value;
    private long _lastProgressLog = long.MinValue;
    private int _swapAttempts;
    private bool _rebuildIndexed;

    public string Name => definition.Name;

    public RunnerHandle? Live { get; private set; }

    public RunnerHandle? Rebuild { get; private set; }

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await TickAsync(ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    // Whatever failed, the loop goes on: a loop that ended would leave requests unanswered for good.
                    Log.SupervisorFailed(_logger, Name, e);
                }
                await Task.Delay(_options.ControlInterval, time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Host stopping.
        }
        if (Rebuild is not null) await Rebuild.StopAsync();
        if (Live is not null) await Live.StopAsync();
    }

    private async Task TickAsync(CancellationToken ct)
    {
        var row = await ProjectionRow.ReadAsync(store.DataSource, Name, ct);
        if (Live?.Version != row.ActiveVersion) await SwitchLiveAsync(row.ActiveVersion, ct);
        else if (Live is { HasEnded: true } ended)
        {
            Log.RunnerEnded(_logger, Name, ended.Version, ended.EndError);
            Live = StartRunner(ended.Version, ct);
        }
        var live = Live!;
        if (!live.IsOwner)
        {
            // Another instance owns the projection and so drives its rebuild.
            if (Rebuild is not null) await StopRebuildAsync();
            return;
        }
        if (live.Runner.State == ProjectionState.CatchingUp && ShouldLogProgress())
            Log.CatchingUp(_logger, Name, live.Version, live.Runner.Position.Prepare, live.Runner.Head.Prepare, live.Runner.ApproximateLag);
        if (row.State == ProjectionRow.Live && row.RebuildRequestedAt is { } requestedAt)
        {
            try
            {
                if (await RebuildSwap.BeginAsync(store.DataSource, definition, ct) is { } version)
                    Log.RebuildStarted(_logger, Name, version);
            }
            catch (Exception e) when (!RebuildSwap.IsTransient(e) && !ct.IsCancellationRequested)
            {
                await RebuildSwap.FailRequestAsync(store.DataSource, definition, requestedAt, RebuildSwap.Describe(e), ct);
                Log.RebuildRequestFailed(_logger, Name, e);
            }
            return;
        }
        if (row is not { State: ProjectionRow.Rebuilding, RebuildVersion: { } rebuildVersion }) return;
        bool swapped;
        try
        {
            swapped = await DriveRebuildAsync(row, rebuildVersion, ct);
        }
        catch (Exception e) when (!RebuildSwap.IsTransient(e) && !ct.IsCancellationRequested)
        {
            await AbandonAsync(rebuildVersion, e, ct);
            return;
        }
        if (!swapped) return;
        Live = Rebuild;
        Rebuild = null;
        await RetireAsync(live, ct);
    }

    /// <summary>Runs the rebuild's runner and swaps it in once it is live; true once swapped.</summary>
    private async Task<bool> DriveRebuildAsync(ProjectionRow row, int rebuildVersion, CancellationToken ct)
    {
        if (Rebuild is { HasEnded: true } ended)
        {
            Log.RunnerEnded(_logger, Name, ended.Version, ended.EndError);
            Rebuild = null;
        }
        if (Rebuild?.Version != rebuildVersion)
        {
            if (Rebuild is not null) await StopRebuildAsync();
            if (await RebuildSwap.RestartIfNotDurableAsync(store.DataSource, definition, rebuildVersion, ct))
                Log.RebuildRestarted(_logger, Name, rebuildVersion);
            Rebuild = StartRunner(rebuildVersion, ct);
            _swapAttempts = 0;
            _rebuildIndexed = false;
        }
        var rebuild = Rebuild.Runner;
        // A batch the rebuild cannot apply (a constraint, a bug in the projection) would fail the same way on every
        // retry while the status kept saying "rebuilding": the rebuild is given up with the error instead.
        if (rebuild is { State: ProjectionState.Faulted, LastError: { } fault } && !RebuildSwap.IsTransient(fault))
        {
            await AbandonAsync(rebuildVersion, fault, ct);
            return false;
        }
        if (ShouldLogProgress())
            Log.RebuildProgress(_logger, Name, rebuildVersion, rebuild.Position.Prepare, rebuild.Head.Prepare,
                rebuild.Head.Prepare == 0 ? 1 : (double)rebuild.Position.Prepare / rebuild.Head.Prepare);
        if (rebuild.State != ProjectionState.Live) return false;
        if (!_rebuildIndexed)
        {
            await RebuildSwap.CreateIndexesAsync(store.DataSource, definition, rebuildVersion, ct);
            _rebuildIndexed = true;
        }
        // Prefer a moment when both versions stand at the same position, so the checksums prove the rebuild.
        var swapped = await RebuildSwap.TrySwapAsync(store.DataSource, definition, row.ActiveVersion, rebuildVersion,
            requireSamePosition: ++_swapAttempts < 40, ct);
        if (swapped is null) return false;
        if (swapped.PreviousChecksum is null) Log.SwappedWithoutComparison(_logger, Name, rebuildVersion);
        Log.RebuildSwapped(_logger, Name, rebuildVersion, swapped.Checksum, swapped.PreviousChecksum);
        return true;
    }

    private async Task AbandonAsync(int version, Exception error, CancellationToken ct)
    {
        if (Rebuild is not null) await StopRebuildAsync();
        await RebuildSwap.AbandonAsync(store.DataSource, definition, version, RebuildSwap.Describe(error), ct);
        Log.RebuildFailed(_logger, Name, version, error);
    }

    private async Task SwitchLiveAsync(int activeVersion, CancellationToken ct)
    {
        if (Live is { } old)
        {
            await old.StopAsync();
            // Another instance swapped: make sure the retired version's checkpoint does not linger.
            await DeleteCheckpointAsync(definition.CheckpointId(old.Version), ct);
        }
        if (Rebuild?.Version == activeVersion)
        {
            Live = Rebuild;
            Rebuild = null;
        }
        else
        {
            Live = StartRunner(activeVersion, ct);
        }
    }

    private async Task RetireAsync(RunnerHandle retired, CancellationToken ct)
    {
        await retired.StopAsync();
        await using var conn = await store.DataSource.OpenConnectionAsync(ct);
        await ReadModelSchema.ExecuteAsync(conn, null, ReadModelSchema.DropTablesSql(definition, retired.Version), ct);
        await DeleteCheckpointAsync(definition.CheckpointId(retired.Version), ct);
        Log.Retired(_logger, Name, retired.Version);
    }

    private async Task StopRebuildAsync()
    {
        await Rebuild!.StopAsync();
        Rebuild = null;
    }

    private RunnerHandle StartRunner(int version, CancellationToken ct)
    {
        var tables = definition.TablesOf(version);
        var projection = new FencedProjection(tables, definition.Create(tables, loggerFactory));
        var runner = new PostgresProjectionRunner(store, definition.CheckpointId(version), projection,
            new ProjectionRunnerOptions { BatchSize = _options.BatchSize, StandbyRetry = _options.StandbyRetry },
            loggerFactory.CreateLogger<PostgresProjectionRunner>());
        var handle = new RunnerHandle(runner, version, ct);
        handle.Start();
        return handle;
    }

    private async Task DeleteCheckpointAsync(string id, CancellationToken ct)
    {
        await using var cmd = store.DataSource.CreateCommand("DELETE FROM es.checkpoints WHERE subscription_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private bool ShouldLogProgress()
    {
        var now = time.GetTimestamp();
        if (_lastProgressLog != long.MinValue && time.GetElapsedTime(_lastProgressLog, now) < _options.ProgressLogInterval) return false;
        _lastProgressLog = now;
        return true;
    }
}
