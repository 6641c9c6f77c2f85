using System.Collections.Concurrent;

namespace ContactSync.Sandbox.Graph.Store;

/// <summary>All emulated mailboxes, found by id or by e-mail address (user principal name).</summary>
public sealed class GraphStore
{
    private readonly ConcurrentDictionary<string, Mailbox> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Mailbox> _byEmail = new(StringComparer.OrdinalIgnoreCase);

    public Mailbox GetOrCreate(string email) =>
        _byEmail.GetOrAdd(email.Trim().ToLowerInvariant(), e =>
        {
            var mailbox = new Mailbox(Guid.NewGuid().ToString(), e);
            _byId[mailbox.Id] = mailbox;
            return mailbox;
        });

    public Mailbox? Find(string idOrEmail) =>
        _byId.TryGetValue(idOrEmail, out var m) ? m : _byEmail.GetValueOrDefault(idOrEmail);

    public void Clear()
    {
        _byEmail.Clear();
        _byId.Clear();
    }
}
