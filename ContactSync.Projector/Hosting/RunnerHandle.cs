using ContactSync.EventStore.Projections;

namespace ContactSync.Projector.Hosting;

/// <summary>A running <see cref="PostgresProjectionRunner"/> of one projection version and how to stop it.</summary>
internal sealed class RunnerHandle(PostgresProjectionRunner runner, int version, CancellationToken stopping)
{
    private readonly CancellationTokenSource _cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    private Task? _task;
    private bool _stopped;

    public PostgresProjectionRunner Runner => runner;

    public int Version => version;

    /// <summary>Holds the ownership lock (a standby instance waits for it).</summary>
    public bool IsOwner => runner.State is ProjectionState.CatchingUp or ProjectionState.Live or ProjectionState.Faulted;

    /// <summary>
    /// The runner's loop ended without being stopped (an error escaped it): it owns nothing and projects nothing, while
    /// its state still reads as a standby's, so the supervisor starts another one.
    /// </summary>
    public bool HasEnded => !_stopped && _task is { IsCompleted: true };

    /// <summary>Why the loop ended, when <see cref="HasEnded"/>.</summary>
    public Exception? EndError => _task?.Exception?.GetBaseException();

    public void Start() => _task = Task.Run(() => runner.RunAsync(_cts.Token));

    /// <summary>Stops the runner and waits for it; a second call does nothing.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _cts.CancelAsync();
        try
        {
            if (_task is not null) await _task;
        }
        catch (Exception)
        {
            // Stopping is the point (cancellation); an error that had ended the loop was logged when it was noticed.
        }
        _cts.Dispose();
    }
}
