namespace ContactSync.Domain.Common;

/// <summary>
/// An aggregate's pure functions in one value: <see cref="Decide"/> turns a command and the current state into
/// events, <see cref="Evolve"/> folds an event into the state, <see cref="Version"/> reads the stream revision a
/// state was folded to (-1 before the first event). The one command handler of every host works on this shape.
/// </summary>
public sealed record Decider<TCommand, TEvent, TState>(
    Func<TCommand, TState, IReadOnlyList<TEvent>> Decide,
    Func<TState, TEvent, TState> Evolve,
    TState Initial,
    Func<TState, long> Version)
{
    public TState Fold(IEnumerable<TEvent> events) => events.Aggregate(Initial, Evolve);

    /// <summary>
    /// Decides the commands in order, each against the state the previous ones left (a command is built from that
    /// state, so a later one can depend on an earlier one's effect). Nothing to do: no events and the same state.
    /// </summary>
    public (TState State, IReadOnlyList<TEvent> Events) Run(TState state, IEnumerable<Func<TState, TCommand>> commands)
    {
        var events = new List<TEvent>();
        var current = state;
        foreach (var command in commands)
        {
            foreach (var e in Decide(command(current), current))
            {
                events.Add(e);
                current = Evolve(current, e);
            }
        }
        return (current, events);
    }
}
