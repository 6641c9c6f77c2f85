using System.Globalization;
using ContactSync.Domain.Contacts;
using Npgsql;

namespace ContactSync.Projector.Contacts;

/// <summary>
/// The contact states one runner last wrote, so that a batch folds from memory instead of reading and parsing every
/// touched row again (during a replay nearly every batch updates rows written by the previous one).
/// <para>
/// The cache is only trusted when nothing but this instance can have written the tables since it was filled: the
/// runner moves the checkpoint in the same transaction as every batch, so the checkpoint row's <c>xmin</c> names the
/// transaction of the last committed batch. When it is the transaction of this instance's last batch, the cache
/// equals the tables; otherwise (a rolled back batch, another owner in between, a rebuild restarted from scratch, a
/// checkpoint moved past events this projection does not read) the cache is dropped and rows are read again.
/// </para>
/// </summary>
internal sealed class ContactStateCache(string checkpointId, int capacity)
{
    private readonly Dictionary<Guid, Contact> _states = [];
    private uint? _writtenBy;
    private uint _current;

    public int Count => _states.Count;

    /// <summary>Starts a batch: keeps the cache only if the last committed batch was this instance's last one.</summary>
    public async Task BeginAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT pg_current_xact_id()::text,
                   (SELECT xmin::text FROM es.checkpoints WHERE subscription_id = $1 AND partition = 0)
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpointId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        // xmin is the 32-bit xid; the 64-bit id carries the epoch above it.
        _current = (uint)(ulong.Parse(r.GetString(0), CultureInfo.InvariantCulture) & uint.MaxValue);
        var checkpointWrittenBy = r.IsDBNull(1) ? (uint?)null : uint.Parse(r.GetString(1), CultureInfo.InvariantCulture);
        if (_writtenBy is null || checkpointWrittenBy != _writtenBy) _states.Clear();
        // Until this batch completes, a failure anywhere leaves the cache untrusted.
        _writtenBy = null;
    }

    public bool TryGet(Guid id, out Contact contact) => _states.TryGetValue(id, out contact!);

    public void Set(Guid id, Contact contact) => _states[id] = contact;

    /// <summary>The batch wrote every cached change; trusted again if its transaction commits.</summary>
    public void Complete()
    {
        if (_states.Count > capacity) _states.Clear();
        _writtenBy = _current;
    }
}
