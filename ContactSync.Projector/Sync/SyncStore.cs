using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Serialization;
using ContactSync.Domain.Sync;
using ContactSync.EventStore;

namespace ContactSync.Projector.Sync;

/// <summary>
/// The worker's reads and writes of the log: the connection's control stream (through its decider), its sync stream
/// (appended with the version the worker folded to, so a worker that lost its lock cannot write: the stream is its
/// fence), and CRM contacts (through the contact decider, retried on a concurrent user edit).
/// </summary>
internal sealed class SyncStore(IEventStore store)
{
    private const int Attempts = 5;

    public async Task<Connection> LoadConnectionAsync(Guid id, CancellationToken ct) =>
        ConnectionDecider.Definition.Fold(Domain<ConnectionEvent>(await ReadAsync(StreamNames.Connection(id), 0, ct)));

    /// <summary>Folds what was appended to the sync stream since <paramref name="state"/>.</summary>
    public async Task<SyncState> CatchUpAsync(Guid connectionId, SyncState state, CancellationToken ct)
    {
        var tail = await ReadAsync(StreamNames.ConnectionSync(connectionId), state.Version + 1, ct);
        return Domain<SyncEvent>(tail).Aggregate(state, SyncState.Evolve);
    }

    /// <summary>Appends to the sync stream at exactly the version folded; a stale owner gets <see cref="WrongExpectedVersionException"/>.</summary>
    public async Task<SyncState> AppendSyncAsync(Guid connectionId, SyncState state, IReadOnlyList<SyncEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return state;
        await AppendAsync(StreamNames.ConnectionSync(connectionId), state.Version, events, ct);
        return events.Aggregate(state, SyncState.Evolve);
    }

    /// <summary>A control-plane step the worker asks for; the decider decides (a no-op appends nothing).</summary>
    public Task<Connection> HandleConnectionAsync(Guid id, ConnectionCommand command, CancellationToken ct) =>
        WithRetriesAsync(async () =>
        {
            var state = await LoadConnectionAsync(id, ct);
            var (after, events) = ConnectionDecider.Definition.Run(state, [_ => command]);
            if (events.Count > 0) await AppendAsync(StreamNames.Connection(id), state.Version, events, ct);
            return after;
        });

    public async Task<Contact> LoadContactAsync(Guid id, CancellationToken ct) =>
        ContactDecider.Definition.Fold(Domain<ContactEvent>(await ReadAsync(StreamNames.Contact(id), 0, ct)));

    /// <summary>Decides a contact command on the latest state; <paramref name="command"/> sees that state (a merge
    /// computed on an older read is recomputed by the caller's function).</summary>
    public Task<Contact> HandleContactAsync(Guid id, Func<Contact, ContactCommand?> command, CancellationToken ct) =>
        WithRetriesAsync(async () =>
        {
            var state = await LoadContactAsync(id, ct);
            if (command(state) is not { } c) return state;
            var (after, events) = ContactDecider.Definition.Run(state, [_ => c]);
            if (events.Count > 0) await AppendAsync(StreamNames.Contact(id), state.Version, events, ct);
            return after;
        });

    /// <summary>Creates a contact whose stream must not exist yet; false when it exists already (created by an earlier attempt).</summary>
    public async Task<bool> CreateContactAsync(ContactCommand.CreateContact command, CancellationToken ct)
    {
        var (_, events) = ContactDecider.Definition.Run(Contact.Initial, [_ => command]);
        try
        {
            await AppendAsync(StreamNames.Contact(command.ContactId), -1, events, ct);
            return true;
        }
        catch (WrongExpectedVersionException)
        {
            return false;
        }
    }

    public async Task<ContactList> LoadListAsync(Guid id, CancellationToken ct) =>
        ListDecider.Definition.Fold(Domain<ListEvent>(await ReadAsync(StreamNames.List(id), 0, ct)));

    private static async Task<T> WithRetriesAsync<T>(Func<Task<T>> attempt)
    {
        for (var i = 1; ; i++)
        {
            try
            {
                return await attempt();
            }
            catch (WrongExpectedVersionException) when (i < Attempts)
            {
                // A user (or the API) wrote in between: decide again on the new state.
            }
        }
    }

    private async Task<IReadOnlyList<RecordedEvent>> ReadAsync(string stream, long from, CancellationToken ct)
    {
        try
        {
            return await store.ReadStreamAsync(new StreamName(stream), Direction.Forwards, new StreamPosition((ulong)from), long.MaxValue, ct);
        }
        catch (StreamNotFoundException)
        {
            return [];
        }
    }

    private Task<AppendResult> AppendAsync<T>(string stream, long version, IEnumerable<T> events, CancellationToken ct) where T : notnull
    {
        var data = events.Select(e =>
        {
            var (type, json) = DomainJson.Serialize(e);
            return new EventData(Guid.CreateVersion7(), type, json);
        }).ToList();
        return store.AppendToStreamAsync(new StreamName(stream), version < 0 ? ExpectedRevision.NoStream : ExpectedRevision.Exact((ulong)version), data, ct);
    }

    private static IEnumerable<T> Domain<T>(IEnumerable<RecordedEvent> recorded) =>
        recorded.Select(e => (T)DomainJson.Deserialize(e.Type, e.Data.Span));
}
