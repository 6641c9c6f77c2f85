using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Sync;
using ContactSync.EventStore;
using ContactSync.Providers.Streams;

namespace ContactSync.Projector.Sync;

/// <summary>
/// The worker's reads and writes of the log: the connection's control stream (through its decider), its sync stream
/// (appended with the version the worker folded to, so a worker that lost its lock cannot write: the stream is its
/// fence), and CRM contacts (through the contact decider, retried on a concurrent user edit).
/// </summary>
internal sealed class SyncStore(IEventStore store)
{
    private const int Attempts = 5;

    public Task<Connection> LoadConnectionAsync(Guid id, CancellationToken ct) =>
        CommandHandler.LoadAsync(store, ConnectionDecider.Definition, StreamNames.Connection(id), ct);

    /// <summary>Folds what was appended to the sync stream since <paramref name="state"/>.</summary>
    public async Task<SyncState> CatchUpAsync(Guid connectionId, SyncState state, CancellationToken ct)
    {
        var tail = await EventStreams.ReadAsync(store, StreamNames.ConnectionSync(connectionId), ct, from: state.Version + 1);
        return EventStreams.Domain<SyncEvent>(tail).Aggregate(state, SyncState.Evolve);
    }

    /// <summary>Appends to the sync stream at exactly the version folded; a stale owner gets <see cref="WrongExpectedVersionException"/>.</summary>
    public async Task<SyncState> AppendSyncAsync(Guid connectionId, SyncState state, IReadOnlyList<SyncEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return state;
        await EventStreams.AppendAsync(store, StreamNames.ConnectionSync(connectionId), state.Version, events, ct);
        return events.Aggregate(state, SyncState.Evolve);
    }

    /// <summary>A control-plane step the worker asks for; the decider decides (a no-op appends nothing).</summary>
    public Task<Connection> HandleConnectionAsync(Guid id, ConnectionCommand command, CancellationToken ct) =>
        CommandHandler.DecideOnLatestAsync(store, ConnectionDecider.Definition, StreamNames.Connection(id), _ => command, Attempts, ct);

    public Task<Contact> LoadContactAsync(Guid id, CancellationToken ct) =>
        CommandHandler.LoadAsync(store, ContactDecider.Definition, StreamNames.Contact(id), ct);

    /// <summary>Decides a contact command on the latest state; <paramref name="command"/> sees that state (a merge
    /// computed on an older read is recomputed by the caller's function).</summary>
    public Task<Contact> HandleContactAsync(Guid id, Func<Contact, ContactCommand?> command, CancellationToken ct) =>
        CommandHandler.DecideOnLatestAsync(store, ContactDecider.Definition, StreamNames.Contact(id), command, Attempts, ct);

    /// <summary>Creates a contact whose stream must not exist yet; false when it exists already (created by an earlier attempt).</summary>
    public async Task<bool> CreateContactAsync(ContactCommand.CreateContact command, CancellationToken ct)
    {
        try
        {
            await CommandHandler.HandleAsync(store, ContactDecider.Definition, StreamNames.Contact(command.ContactId), Contact.Initial, command, ct);
            return true;
        }
        catch (WrongExpectedVersionException)
        {
            return false;
        }
    }

    public Task<ContactList> LoadListAsync(Guid id, CancellationToken ct) =>
        CommandHandler.LoadAsync(store, ListDecider.Definition, StreamNames.List(id), ct);
}
