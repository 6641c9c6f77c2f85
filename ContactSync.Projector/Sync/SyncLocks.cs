using System.Buffers.Binary;
using Npgsql;

namespace ContactSync.Projector.Sync;

/// <summary>
/// The connection locks of one Projector instance: PostgreSQL session advisory locks, all held on ONE database
/// session, so an instance can own thousands of connections without pinning a pooled connection for each. If that
/// session is lost, PostgreSQL releases every lock it held; <see cref="CheckAsync"/> notices and the supervisor stops
/// every worker at once, before another instance can have taken one over and written (the sync stream's expected
/// version fences any write still in flight).
/// </summary>
internal sealed class SyncLocks(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    // The advisory-lock key space is shared with anything else in the database: a fixed class id keeps ours apart.
    private const int LockClass = 0x53594E43; // "SYNC"
    private readonly SemaphoreSlim _gate = new(1, 1);
    private NpgsqlConnection? _session;

    /// <summary>Takes the lock of a connection if nobody holds it; false when another instance does.</summary>
    public Task<bool> TryAcquireAsync(Guid connectionId, CancellationToken ct) =>
        RunAsync("SELECT pg_try_advisory_lock($1, $2)", connectionId, ct);

    public Task ReleaseAsync(Guid connectionId, CancellationToken ct) =>
        RunAsync("SELECT pg_advisory_unlock($1, $2)", connectionId, ct);

    /// <summary>Whether the session that holds the locks is still alive; false means every lock is gone.</summary>
    public async Task<bool> CheckAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_session is null) return true;
            await using var cmd = new NpgsqlCommand("SELECT 1", _session);
            await cmd.ExecuteScalarAsync(ct);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            await DropSessionAsync();
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> RunAsync(string sql, Guid connectionId, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            _session ??= await dataSource.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand(sql, _session);
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = LockClass });
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = KeyOf(connectionId) });
            return await cmd.ExecuteScalarAsync(ct) is true;
        }
        catch (NpgsqlException)
        {
            await DropSessionAsync();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>32 bits of the id; two connections that share a key only share an owner, never a worker.</summary>
    internal static int KeyOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]) ^ BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
    }

    private async Task DropSessionAsync()
    {
        if (_session is null) return;
        await _session.DisposeAsync();
        _session = null;
    }

    public async ValueTask DisposeAsync()
    {
        await DropSessionAsync();
        _gate.Dispose();
    }
}
