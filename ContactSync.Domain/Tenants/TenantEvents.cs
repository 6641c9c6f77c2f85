using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;

namespace ContactSync.Domain.Tenants;

public abstract record TenantEvent
{
    private TenantEvent() { }

    public abstract Guid TenantId { get; init; }
    public abstract Actor Actor { get; init; }
    public abstract DateTimeOffset At { get; init; }

    public sealed record TenantCreated(Guid TenantId, string Name, ContactVisibility DefaultVisibility, Actor Actor, DateTimeOffset At) : TenantEvent;

    public sealed record TenantRenamed(Guid TenantId, string PreviousName, string Name, Actor Actor, DateTimeOffset At) : TenantEvent;

    public sealed record TenantDefaultVisibilityChanged(
        Guid TenantId, ContactVisibility PreviousDefaultVisibility, ContactVisibility DefaultVisibility, Actor Actor, DateTimeOffset At) : TenantEvent;
}
