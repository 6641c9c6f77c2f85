namespace ContactSync.Domain.Lists;

/// <summary>
/// A saved list (named <c>ContactList</c> to stay clear of <c>List&lt;T&gt;</c>; its stream is <c>List-{id}</c>).
/// Who may change it is the API's decision; sync rules need <see cref="CreatedBy"/> (only the creator can sync it).
/// </summary>
public sealed record ContactList(Guid Id, Guid TenantId, string Name, ListFilter Filter, Guid CreatedBy, bool Deleted, long Version)
{
    public static readonly ContactList Initial = new(Guid.Empty, Guid.Empty, "", ListFilter.All, Guid.Empty, false, -1);

    public bool Exists => Version >= 0;

    public static ContactList Evolve(ContactList state, ListEvent @event) =>
        ((state, @event) switch
        {
            (_, ListEvent.ListCreated e) => new ContactList(e.ListId, e.TenantId, e.Name, e.Filter, e.CreatedBy, false, state.Version),
            (_, ListEvent.ListRenamed e) => state with { Name = e.Name },
            (_, ListEvent.ListFilterChanged e) => state with { Filter = e.Filter },
            (_, ListEvent.ListDeleted) => state with { Deleted = true },
            _ => state,
        }) with
        { Version = state.Version + 1 };

    public static ContactList Fold(IEnumerable<ListEvent> events) => events.Aggregate(Initial, Evolve);
}
