using ContactSync.Sandbox.Control;
using System.Collections.Concurrent;

namespace ContactSync.Sandbox.Graph.Store;

/// <summary>All emulated mailboxes, found by id or by e-mail address (user principal name).</summary>
public sealed class GraphStore(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Mailbox> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Mailbox> _byEmail = new(StringComparer.OrdinalIgnoreCase);

    public Mailbox GetOrCreate(string email) =>
        _byEmail.GetOrAdd(email.Trim().ToLowerInvariant(), e =>
        {
            var mailbox = new Mailbox(Guid.NewGuid().ToString(), e, clock, PropagationDelay);
            _byId[mailbox.Id] = mailbox;
            return mailbox;
        });

    /// <summary>The propagation delay fault, shared by every mailbox.</summary>
    public PropagationDelay PropagationDelay { get; } = new();

    public Mailbox? Find(string idOrEmail) =>
        _byId.TryGetValue(idOrEmail, out var m) ? m : _byEmail.GetValueOrDefault(idOrEmail);

    public IReadOnlyList<Mailbox> All => [.. _byId.Values];

    public void Add(Mailbox mailbox)
    {
        _byId[mailbox.Id] = mailbox;
        _byEmail[mailbox.Email] = mailbox;
    }

    public TimeProvider Clock => clock;

    public void Clear()
    {
        _byEmail.Clear();
        _byId.Clear();
    }
}
