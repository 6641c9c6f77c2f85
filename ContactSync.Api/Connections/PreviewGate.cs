using System.Collections.Concurrent;
using ContactSync.Api.Auth;

namespace ContactSync.Api.Connections;

/// <summary>
/// One preview per user at a time (per API instance): a preview reads up to
/// <see cref="ConnectionPreview.MaxContacts"/> contacts on each side and plans over them, so a client that fires
/// previews in a loop, or a double click, must not multiply that. In process on purpose: it bounds the memory and CPU of
/// this instance, which is what the gate is for; another user is never held back.
/// </summary>
public sealed class PreviewGate
{
    private readonly ConcurrentDictionary<(Guid TenantId, Guid UserId), byte> _running = new();

    /// <summary>A lease to dispose when the preview ends, or null while the same user's previous preview is running.</summary>
    public IDisposable? TryEnter(Caller caller)
    {
        var key = (caller.TenantId, caller.UserId);
        return _running.TryAdd(key, 0) ? new Lease(this, key) : null;
    }

    private sealed class Lease(PreviewGate gate, (Guid, Guid) key) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) gate._running.TryRemove(key, out _);
        }
    }
}
