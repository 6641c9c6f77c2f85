using ContactSync.Domain.Common;
using ContactSync.EventStore;

namespace ContactSync.Api.Infrastructure;

/// <summary>The state after a command, and the log position of what it appended (null: nothing to do).</summary>
public sealed record Handled<TState>(TState State, Position? Position);

/// <summary>
/// The command flow of every aggregate (style guide, section 6): read the stream, fold, decide, append with the
/// version read. Concurrency is the store's: a concurrent append fails with <see cref="WrongExpectedVersionException"/>,
/// which <see cref="EventStreams.WithRetriesAsync{T}"/> retries or the exception handler answers.
/// </summary>
public static class CommandHandler
{
    public static async Task<TState> LoadAsync<TCommand, TEvent, TState>(
        IEventStore store, Decider<TCommand, TEvent, TState> decider, string stream, CancellationToken ct) =>
        decider.Fold(EventStreams.Domain<TEvent>(await EventStreams.ReadAsync(store, stream, ct)));

    public static async Task<Handled<TState>> HandleAsync<TCommand, TEvent, TState>(
        IEventStore store, Decider<TCommand, TEvent, TState> decider, string stream, TState state,
        IEnumerable<Func<TState, TCommand>> commands, CancellationToken ct) where TEvent : notnull
    {
        var (after, events) = decider.Run(state, commands);
        if (events.Count == 0) return new Handled<TState>(state, null);
        var result = await EventStreams.AppendAsync(store, stream, decider.Version(state), events, ct);
        return new Handled<TState>(after, result.LogPosition);
    }

    public static Task<Handled<TState>> HandleAsync<TCommand, TEvent, TState>(
        IEventStore store, Decider<TCommand, TEvent, TState> decider, string stream, TState state, TCommand command,
        CancellationToken ct) where TEvent : notnull =>
        HandleAsync(store, decider, stream, state, [_ => command], ct);
}
