using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Tenants;
using ContactSync.Domain.Tests.Support;
using static ContactSync.Domain.Tenants.TenantCommand;
using static ContactSync.Domain.Tenants.TenantEvent;

namespace ContactSync.Domain.Tests.Tenants;

public sealed class TenantDeciderTests
{
    private readonly Guid id = Guid.CreateVersion7();
    private readonly Actor actor = Actor.ForSystem("operator");
    private readonly DateTimeOffset at = Fakes.T0;

    private TenantCreated Created => new(id, "Acme", ContactVisibility.Owner, actor, at);

    [Fact]
    public void Creating_a_tenant_records_its_name_and_default_visibility() =>
        Specs.Tenant().When(new CreateTenant(id, " Acme ", Tenant.InitialDefaultVisibility, actor, at)).Then(Created);

    [Fact]
    public void A_tenant_needs_a_name_without_control_characters() =>
        Specs.Tenant().When(new CreateTenant(id, "Ac\u0000me", ContactVisibility.Owner, actor, at)).Throws("name.invalid");

    [Fact]
    public void Creating_a_tenant_twice_is_refused() =>
        Specs.Tenant().Given(Created).When(new CreateTenant(id, "Acme", ContactVisibility.Owner, actor, at)).Throws("tenant.already-exists");

    [Fact]
    public void A_missing_tenant_cannot_be_renamed() =>
        Specs.Tenant().When(new RenameTenant(id, "Acme", actor, at)).Throws("tenant.not-found");

    [Fact]
    public void Renaming_records_the_previous_name_and_the_same_name_is_a_no_op()
    {
        Specs.Tenant().Given(Created).When(new RenameTenant(id, "Acme Ltd", actor, at)).Then(new TenantRenamed(id, "Acme", "Acme Ltd", actor, at));
        Specs.Tenant().Given(Created).When(new RenameTenant(id, "Acme", actor, at)).Then();
    }

    [Fact]
    public void Changing_the_default_visibility_applies_to_new_contacts_only_and_records_the_previous_one()
    {
        Specs.Tenant().Given(Created).When(new ChangeDefaultVisibility(id, ContactVisibility.Company, actor, at))
            .Then(new TenantDefaultVisibilityChanged(id, ContactVisibility.Owner, ContactVisibility.Company, actor, at));
        Specs.Tenant().Given(Created).When(new ChangeDefaultVisibility(id, ContactVisibility.Owner, actor, at)).Then();
    }
}
