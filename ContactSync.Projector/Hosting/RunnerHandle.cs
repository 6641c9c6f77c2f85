using ContactSync.EventStore.Projections;

namespace ContactSync.Projector.Hosting;

/// <summary>A running <see cref="PostgresProjectionRunner"/> of one projection version and how to stop it.</summary>
internal sealed class RunnerHandle(PostgresProjectionRunner runner, int version, CancellationToken stopping)
{
    private readonly CancellationTokenSource _cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    private Task? _task;

    public PostgresProjectionRunner Runner => runner;

    public int Version => version;

    /// <summary>Holds the ownership lock (a standby instance waits for it).</summary>
    public bool IsOwner => runner.State is ProjectionState.CatchingUp or ProjectionState.Live or ProjectionState.Faulted;

    public void Start() => _task = Task.Run(() => runner.RunAsync(_cts.Token));

    public async Task StopAsync()
    {
        await _cts.CancelAsync();
        try
        {
            if (_task is not null) await _task;
        }
        catch (OperationCanceledException)
        {
            // Stopping is the point.
        }
        _cts.Dispose();
    }
}
