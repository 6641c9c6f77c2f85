using System.Text.Json;
using ContactSync.Domain.Common;
using ContactSync.Domain.Serialization;

namespace ContactSync.Domain.Tests.Support;

/// <summary>Given(events).When(command).Then(events) or .Throws(code). Events compare by their stored JSON.</summary>
public sealed class DeciderSpec<TCommand, TEvent, TState>(
    Func<TCommand, TState, IReadOnlyList<TEvent>> decide, Func<TState, TEvent, TState> evolve, TState initial)
{
    private TEvent[] history = [];
    private Func<IReadOnlyList<TEvent>>? act;

    public DeciderSpec<TCommand, TEvent, TState> Given(params TEvent[] events)
    {
        history = events;
        return this;
    }

    public DeciderSpec<TCommand, TEvent, TState> When(TCommand command)
    {
        act = () => decide(command, history.Aggregate(initial, evolve));
        return this;
    }

    public IReadOnlyList<TEvent> Then(params TEvent[] expected)
    {
        var actual = Act();
        Assert.Equal(expected.Select(Json), actual.Select(Json));
        return actual;
    }

    public DomainRuleViolation Throws(string code)
    {
        var violation = Assert.Throws<DomainRuleViolation>(() => Act());
        Assert.Equal(code, violation.Code);
        return violation;
    }

    private IReadOnlyList<TEvent> Act() => (act ?? throw new InvalidOperationException("Call When first."))();

    private static string Json(TEvent e) => JsonSerializer.Serialize(e, DomainJson.Options);
}
