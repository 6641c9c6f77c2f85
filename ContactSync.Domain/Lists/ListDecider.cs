using ContactSync.Domain.Common;
using ContactSync.Domain.Validation;
using static ContactSync.Domain.Lists.ListCommand;
using static ContactSync.Domain.Lists.ListEvent;

namespace ContactSync.Domain.Lists;

public abstract record ListCommand
{
    private ListCommand() { }

    public sealed record CreateList(Guid TenantId, Guid ListId, string Name, ListFilter Filter, Guid CreatedBy, Actor Actor, DateTimeOffset At) : ListCommand;

    public sealed record RenameList(Guid ListId, string Name, Actor Actor, DateTimeOffset At) : ListCommand;

    public sealed record ChangeListFilter(Guid ListId, ListFilter Filter, Actor Actor, DateTimeOffset At) : ListCommand;

    public sealed record DeleteList(Guid ListId, Actor Actor, DateTimeOffset At) : ListCommand;
}

public static class ListDecider
{
    /// <summary>The decider as one value, for the command handler.</summary>
    public static readonly Decider<ListCommand, ListEvent, ContactList> Definition = new(Decide, ContactList.Evolve, ContactList.Initial, s => s.Version);

    public static IReadOnlyList<ListEvent> Decide(ListCommand command, ContactList state) =>
        (command, state) switch
        {
            (CreateList c, { Exists: false }) => [new ListCreated(c.TenantId, c.ListId, EntityNames.Require(c.Name), RequireFilter(c.Filter), c.CreatedBy, c.Actor, c.At)],
            (CreateList, _) => throw new DomainRuleViolation("list.already-exists", "A list with this id already exists."),
            (_, { Exists: false }) => throw new DomainRuleViolation("list.not-found", "The list does not exist."),
            (DeleteList, { Deleted: true }) => [],
            (_, { Deleted: true }) => throw new DomainRuleViolation("list.deleted", "The list is deleted."),
            (DeleteList c, _) => [new ListDeleted(state.TenantId, state.Id, c.Actor, c.At)],
            (RenameList c, _) when EntityNames.Require(c.Name) == state.Name => [],
            (RenameList c, _) => [new ListRenamed(state.TenantId, state.Id, state.Name, EntityNames.Require(c.Name), c.Actor, c.At)],
            (ChangeListFilter c, _) when RequireFilter(c.Filter) == state.Filter => [],
            (ChangeListFilter c, _) => [new ListFilterChanged(state.TenantId, state.Id, state.Filter, RequireFilter(c.Filter), c.Actor, c.At)],
            _ => throw new InvalidOperationException($"Unhandled list command {command.GetType().Name}."),
        };

    private static ListFilter RequireFilter(ListFilter? filter)
    {
        var result = ListFilter.Normalize(filter);
        return result.IsValid ? result.Value : throw new DomainRuleViolation("list.filter-invalid", $"The filter is not valid: {result.Errors}");
    }
}
