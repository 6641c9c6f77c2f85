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
/// swap once it is live (<see cref="RebuildSwap"/>).
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
                catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
                {
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
        var live = Live!;
        if (!live.IsOwner)
        {
            // Another instance owns the projection and so drives its rebuild.
            if (Rebuild is not null) await StopRebuildAsync();
            return;
        }
        if (live.Runner.State == ProjectionState.CatchingUp && ShouldLogProgress())
            Log.CatchingUp(_logger, Name, live.Version, live.Runner.Position.Prepare, live.Runner.Head.Prepare, live.Runner.ApproximateLag);
        if (row.State == ProjectionRow.Live && row.RebuildRequestedAt is not null)
        {
            if (await RebuildSwap.BeginAsync(store.DataSource, definition, ct) is { } version)
                Log.RebuildStarted(_logger, Name, version);
            return;
        }
        if (row is not { State: ProjectionRow.Rebuilding, RebuildVersion: { } rebuildVersion }) return;
        if (Rebuild?.Version != rebuildVersion)
        {
            if (Rebuild is not null) await StopRebuildAsync();
            Rebuild = StartRunner(rebuildVersion, ct);
            _swapAttempts = 0;
        }
        var rebuild = Rebuild.Runner;
        if (ShouldLogProgress())
            Log.RebuildProgress(_logger, Name, rebuildVersion, rebuild.Position.Prepare, rebuild.Head.Prepare,
                rebuild.Head.Prepare == 0 ? 1 : (double)rebuild.Position.Prepare / rebuild.Head.Prepare);
        if (rebuild.State != ProjectionState.Live) return;
        // Prefer a moment when both versions stand at the same position, so the checksums prove the rebuild.
        var swapped = await RebuildSwap.TrySwapAsync(store.DataSource, definition, row.ActiveVersion, rebuildVersion,
            requireSamePosition: ++_swapAttempts < 40, ct);
        if (swapped is null) return;
        if (swapped.PreviousChecksum is null) Log.SwappedWithoutComparison(_logger, Name, rebuildVersion);
        Log.RebuildSwapped(_logger, Name, rebuildVersion, swapped.Checksum, swapped.PreviousChecksum);
        var retired = live;
        Live = Rebuild;
        Rebuild = null;
        await RetireAsync(retired, ct);
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
