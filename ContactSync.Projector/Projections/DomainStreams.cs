using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Roles;
using ContactSync.Domain.Tenants;
using ContactSync.Domain.Users;
using ContactSync.EventStore;

namespace ContactSync.Projector.Projections;

/// <summary>What every domain event has in common, whatever its aggregate.</summary>
internal static class DomainStreams
{
    public static readonly EventFilter AllAggregates = EventFilter.StreamPrefix(
        StreamNames.TenantCategory + "-", StreamNames.RoleCategory + "-", StreamNames.UserCategory + "-",
        StreamNames.ContactCategory + "-", StreamNames.ListCategory + "-");

    /// <summary>Tenant, entity kind (<c>contact|user|role|tenant|list</c>), entity id, actor and time; null for anything else.</summary>
    public static (Guid TenantId, string Kind, Guid EntityId, Actor Actor, DateTimeOffset At)? Describe(object e) => e switch
    {
        TenantEvent t => (t.TenantId, "tenant", t.TenantId, t.Actor, t.At),
        RoleEvent r => (r.TenantId, "role", r.RoleId, r.Actor, r.At),
        UserEvent u => (u.TenantId, "user", u.UserId, u.Actor, u.At),
        ContactEvent c => (c.TenantId, "contact", c.ContactId, c.Actor, c.At),
        ListEvent l => (l.TenantId, "list", l.ListId, l.Actor, l.At),
        _ => null,
    };
}
