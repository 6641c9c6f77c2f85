using ContactSync.Domain.Contacts;

namespace ContactSync.Domain.Tenants;

/// <summary>A company. <see cref="DefaultVisibility"/> applies to contacts created without an explicit visibility.</summary>
public sealed record Tenant(Guid Id, string Name, ContactVisibility DefaultVisibility, DateTimeOffset CreatedAt, long Version)
{
    /// <summary>Private by default: a new tenant shares nothing until an admin says otherwise.</summary>
    public const ContactVisibility InitialDefaultVisibility = ContactVisibility.Owner;

    public static readonly Tenant Initial = new(Guid.Empty, "", InitialDefaultVisibility, default, -1);

    public bool Exists => Version >= 0;

    public static Tenant Evolve(Tenant state, TenantEvent @event) =>
        ((state, @event) switch
        {
            (_, TenantEvent.TenantCreated e) => new Tenant(e.TenantId, e.Name, e.DefaultVisibility, e.At, state.Version),
            (_, TenantEvent.TenantRenamed e) => state with { Name = e.Name },
            (_, TenantEvent.TenantDefaultVisibilityChanged e) => state with { DefaultVisibility = e.DefaultVisibility },
            _ => state,
        }) with
        { Version = state.Version + 1 };

    public static Tenant Fold(IEnumerable<TenantEvent> events) => events.Aggregate(Initial, Evolve);
}
