using ContactSync.Domain.Accounts;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Roles;
using ContactSync.Domain.Tenants;
using ContactSync.Domain.Users;

namespace ContactSync.Domain.Tests.Support;

public static class Specs
{
    public static DeciderSpec<ContactCommand, ContactEvent, Contact> Contact() => new(ContactDecider.Decide, Domain.Contacts.Contact.Evolve, Domain.Contacts.Contact.Initial);

    public static DeciderSpec<RoleCommand, RoleEvent, Role> Role() => new(RoleDecider.Decide, Domain.Roles.Role.Evolve, Domain.Roles.Role.Initial);

    public static DeciderSpec<UserCommand, UserEvent, User> User() => new(UserDecider.Decide, Domain.Users.User.Evolve, Domain.Users.User.Initial);

    public static DeciderSpec<TenantCommand, TenantEvent, Tenant> Tenant() => new(TenantDecider.Decide, Domain.Tenants.Tenant.Evolve, Domain.Tenants.Tenant.Initial);

    public static DeciderSpec<AccountCommand, AccountEvent, Account> Account() => new(AccountDecider.Decide, Domain.Accounts.Account.Evolve, Domain.Accounts.Account.Initial);

    public static DeciderSpec<ConnectionCommand, ConnectionEvent, Connection> Connection() =>
        new(ConnectionDecider.Decide, Domain.Connections.Connection.Evolve, Domain.Connections.Connection.Initial);

    public static DeciderSpec<ListCommand, ListEvent, ContactList> List() => new(ListDecider.Decide, ContactList.Evolve, ContactList.Initial);
}
