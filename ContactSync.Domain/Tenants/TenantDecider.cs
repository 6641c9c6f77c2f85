using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Validation;
using static ContactSync.Domain.Tenants.TenantCommand;
using static ContactSync.Domain.Tenants.TenantEvent;

namespace ContactSync.Domain.Tenants;

public abstract record TenantCommand
{
    private TenantCommand() { }

    public sealed record CreateTenant(Guid TenantId, string Name, ContactVisibility DefaultVisibility, Actor Actor, DateTimeOffset At) : TenantCommand;

    public sealed record RenameTenant(Guid TenantId, string Name, Actor Actor, DateTimeOffset At) : TenantCommand;

    public sealed record ChangeDefaultVisibility(Guid TenantId, ContactVisibility DefaultVisibility, Actor Actor, DateTimeOffset At) : TenantCommand;
}

public static class TenantDecider
{
    /// <summary>The decider as one value, for the command handler.</summary>
    public static readonly Decider<TenantCommand, TenantEvent, Tenant> Definition = new(Decide, Tenant.Evolve, Tenant.Initial, s => s.Version);

    public static IReadOnlyList<TenantEvent> Decide(TenantCommand command, Tenant state) =>
        (command, state) switch
        {
            (CreateTenant c, { Exists: false }) => [new TenantCreated(c.TenantId, EntityNames.Require(c.Name), c.DefaultVisibility, c.Actor, c.At)],
            (CreateTenant, _) => throw new DomainRuleViolation("tenant.already-exists", "A tenant with this id already exists."),
            (_, { Exists: false }) => throw new DomainRuleViolation("tenant.not-found", "The tenant does not exist."),
            (RenameTenant c, _) when EntityNames.Require(c.Name) == state.Name => [],
            (RenameTenant c, _) => [new TenantRenamed(state.Id, state.Name, EntityNames.Require(c.Name), c.Actor, c.At)],
            (ChangeDefaultVisibility c, _) when c.DefaultVisibility == state.DefaultVisibility => [],
            (ChangeDefaultVisibility c, _) => [new TenantDefaultVisibilityChanged(state.Id, state.DefaultVisibility, c.DefaultVisibility, c.Actor, c.At)],
            _ => throw new InvalidOperationException($"Unhandled tenant command {command.GetType().Name}."),
        };
}
