using ContactSync.EventStore.Subscriptions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ContactSync.EventStore.Postgres;

/// <summary>
/// Wakes subscribers of any process soon after a commit without a NOTIFY per append (NOTIFY serialises committing
/// transactions cluster-wide). One ticker per database, elected with an advisory lock, polls the safe head every
/// tick and sends <c>NOTIFY es_head</c> only when it moved; every store instance LISTENs and raises its signal.
/// </summary>
internal sealed class PostgresHeadNotifier(NpgsqlDataSource dataSource, WakeUpSignal signal, TimeSpan tick, ILogger logger)
    : IAsyncDisposable
{
    private const string Channel = "es_head";
    private const long TickerLockKey = 0x65735F7469636B; // "es_tick"
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private const int ListenPollMilliseconds = 1000;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task _loops = Task.CompletedTask;
    private bool _started;

    public void EnsureStarted()
    {
        lock (_gate)
        {
            if (_started) return;
            _started = true;
            _loops = Task.WhenAll(Task.Run(() => ListenLoopAsync(_stop.Token)), Task.Run(() => TickerLoopAsync(_stop.Token)));
        }
    }

    private async Task ListenLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(ct);
                conn.Notification += (_, _) => signal.Set();
                await using (var cmd = new NpgsqlCommand($"LISTEN {Channel}", conn)) await cmd.ExecuteNonQueryAsync(ct);
                // Anything committed while we were not listening is picked up by this wake-up.
                signal.Set();
                // Timed waits: a stop must not depend on the driver honouring cancellation of an idle wait (a run was
                // seen to hang there), so the loop also checks the token at least once a second.
                while (!ct.IsCancellationRequested) await conn.WaitAsync(ListenPollMilliseconds, ct);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
            {
                Log.WakeUpConnectionLost(logger, "listener", e);
                await Task.Delay(RetryDelay, ct);
            }
        }
    }

    private async Task TickerLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(ct);
                await using (var lockCmd = new NpgsqlCommand($"SELECT pg_try_advisory_lock({TickerLockKey})", conn))
                {
                    if (!(bool)(await lockCmd.ExecuteScalarAsync(ct))!)
                    {
                        // Another process ticks for this database; its NOTIFYs reach our listener.
                        await conn.CloseAsync();
                        await Task.Delay(RetryDelay, ct);
                        continue;
                    }
                }
                await TickAsync(conn, ct);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
            {
                Log.WakeUpConnectionLost(logger, "ticker", e);
                await Task.Delay(RetryDelay, ct);
            }
        }
    }

    private async Task TickAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var last = await PostgresEventStore.ReadHeadAsync(conn, ct);
        await using var notify = new NpgsqlCommand($"NOTIFY {Channel}", conn);
        using var timer = new PeriodicTimer(tick);
        while (await timer.WaitForNextTickAsync(ct))
        {
            var head = await PostgresEventStore.ReadHeadAsync(conn, ct);
            if (head == last) continue;
            last = head;
            signal.Set();
            await notify.ExecuteNonQueryAsync(ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loops;
        }
        catch (OperationCanceledException)
        {
            // Expected: the loops end by cancellation.
        }
        _stop.Dispose();
    }
}
