using ContactSync.Domain.Common;

namespace ContactSync.Domain.Lists;

public abstract record ListEvent
{
    private ListEvent() { }

    public abstract Guid TenantId { get; init; }
    public abstract Guid ListId { get; init; }
    public abstract Actor Actor { get; init; }
    public abstract DateTimeOffset At { get; init; }

    public sealed record ListCreated(Guid TenantId, Guid ListId, string Name, ListFilter Filter, Guid CreatedBy, Actor Actor, DateTimeOffset At) : ListEvent;

    public sealed record ListRenamed(Guid TenantId, Guid ListId, string PreviousName, string Name, Actor Actor, DateTimeOffset At) : ListEvent;

    public sealed record ListFilterChanged(Guid TenantId, Guid ListId, ListFilter PreviousFilter, ListFilter Filter, Actor Actor, DateTimeOffset At) : ListEvent;

    public sealed record ListDeleted(Guid TenantId, Guid ListId, Actor Actor, DateTimeOffset At) : ListEvent;
}
