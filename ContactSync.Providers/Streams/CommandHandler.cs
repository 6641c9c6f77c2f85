using ContactSync.Domain.Common;
using ContactSync.EventStore;

namespace ContactSync.Providers.Streams;

/// <summary>The state after a command, and the log position of what it appended (null: nothing to do).</summary>
public sealed record Handled<TState>(TState State, Position? Position);

/// <summary>
/// The command flow of every aggregate in every host (style guide, section 6): read the stream, fold, decide, append
/// with the version read. Concurrency is the store's: a concurrent append fails with
/// <see cref="WrongExpectedVersionException"/>, which <see cref="DecideOnLatestAsync"/> (or the caller, through
/// <see cref="EventStreams.RetryAsync{T}"/>) answers by deciding again on the new state.
/// </summary>
public static class CommandHandler
{
    public static async Task<TState> LoadAsync<TCommand, TEvent, TState>(
        IEventStore store, Decider<TCommand, TEvent, TState> decider, string stream, CancellationToken ct) =>
        decider.Fold(EventStreams.Domain<TEvent>(await EventStreams.ReadAsync(store, stream, ct)));

    /// <summary>Decides the commands on <paramref name="state"/> and appends what they produce at its version.</summary>
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

    /// <summary>
    /// Loads the latest state, lets <paramref name="command"/> choose a command from it (null: nothing to do) and
    /// appends; on a concurrent append it starts over from a fresh read, up to <paramref name="attempts"/> times. The
    /// command is built from the state it is decided on, so a decision taken on an older read is taken again.
    /// </summary>
    public static Task<TState> DecideOnLatestAsync<TCommand, TEvent, TState>(
        IEventStore store, Decider<TCommand, TEvent, TState> decider, string stream, Func<TState, TCommand?> command,
        int attempts, CancellationToken ct) where TCommand : class where TEvent : notnull =>
        EventStreams.RetryAsync(attempts, async () =>
        {
            var state = await LoadAsync(store, decider, stream, ct);
            return command(state) is { } c ? (await HandleAsync(store, decider, stream, state, c, ct)).State : state;
        });
}
