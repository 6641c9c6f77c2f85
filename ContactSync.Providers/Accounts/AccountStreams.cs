using ContactSync.Domain.Accounts;
using ContactSync.Domain.Common;
using ContactSync.Domain.Serialization;
using ContactSync.EventStore;

namespace ContactSync.Providers.Accounts;

/// <summary>
/// The account stream for the hosts' background code (the API's endpoints use their command handler): read and fold
/// with <see cref="AccountDecider.Definition"/>, decide with <see cref="Decider{TCommand,TEvent,TState}.Run"/>, append with
/// the version read. A concurrent append fails with <see cref="WrongExpectedVersionException"/>; callers retry.
/// </summary>
public static class AccountStreams
{
    public static async Task<Account> LoadAsync(IEventStore store, Guid accountId, CancellationToken ct)
    {
        IReadOnlyList<RecordedEvent> recorded;
        try
        {
            recorded = await store.ReadStreamAsync(new StreamName(StreamNames.Account(accountId)), Direction.Forwards, StreamPosition.Start, long.MaxValue, ct);
        }
        catch (StreamNotFoundException)
        {
            return Account.Initial;
        }
        return AccountDecider.Definition.Fold(recorded.Select(e => (AccountEvent)DomainJson.Deserialize(e.Type, e.Data.Span)));
    }

    /// <summary>Decides <paramref name="command"/> on <paramref name="state"/> and appends; the state after it (the
    /// same state when there was nothing to do).</summary>
    public static async Task<Account> HandleAsync(IEventStore store, Account state, AccountCommand command, CancellationToken ct)
    {
        var (after, events) = AccountDecider.Definition.Run(state, [_ => command]);
        if (events.Count == 0) return state;
        var expected = state.Version < 0 ? ExpectedRevision.NoStream : ExpectedRevision.Exact((ulong)state.Version);
        var data = events.Select(e =>
        {
            var (type, json) = DomainJson.Serialize(e);
            return new EventData(Guid.CreateVersion7(), type, json);
        }).ToList();
        await store.AppendToStreamAsync(new StreamName(StreamNames.Account(state.Id)), expected, data, ct);
        return after;
    }
}
