using ContactSync.Domain.Accounts;
using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Roles;
using ContactSync.Domain.Serialization;
using ContactSync.Domain.Tenants;
using ContactSync.Domain.Users;
using ContactSync.EventStore;
using ContactSync.EventStore.Postgres;

namespace ContactSync.Projector.Tests.Support;

/// <summary>Runs domain commands the way the API does: read the stream, fold, decide, append with the version read.</summary>
internal sealed class DomainWriter(PostgresEventStore store)
{
    public static readonly Actor Admin = Actor.ForSystem("tests");
    public DateTimeOffset Now { get; set; } = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The log position of the last append.</summary>
    public Position LastPosition { get; private set; }

    public Task Tenant(Guid id, TenantCommand c) =>
        RunAsync<TenantEvent, Tenant>(StreamNames.Tenant(id), e => Domain.Tenants.Tenant.Fold(e), s => TenantDecider.Decide(c, s), s => s.Version);

    public Task Role(Guid id, RoleCommand c) =>
        RunAsync<RoleEvent, Role>(StreamNames.Role(id), e => Domain.Roles.Role.Fold(e), s => RoleDecider.Decide(c, s), s => s.Version);

    public Task User(Guid id, UserCommand c) =>
        RunAsync<UserEvent, User>(StreamNames.User(id), e => Domain.Users.User.Fold(e), s => UserDecider.Decide(c, s), s => s.Version);

    public Task Contact(Guid id, ContactCommand c) =>
        RunAsync<ContactEvent, Contact>(StreamNames.Contact(id), e => Domain.Contacts.Contact.Fold(e), s => ContactDecider.Decide(c, s), s => s.Version);

    public Task List(Guid id, ListCommand c) =>
        RunAsync<ListEvent, ContactList>(StreamNames.List(id), e => ContactList.Fold(e), s => ListDecider.Decide(c, s), s => s.Version);

    public Task Account(Guid id, AccountCommand c) =>
        RunAsync<AccountEvent, Account>(StreamNames.Account(id), e => Domain.Accounts.Account.Fold(e), s => AccountDecider.Decide(c, s), s => s.Version);

    /// <summary>Creates a tenant with the given contact default visibility.</summary>
    public async Task<Guid> NewTenantAsync(string name = "Acme")
    {
        var id = Guid.CreateVersion7();
        await Tenant(id, new TenantCommand.CreateTenant(id, name, ContactVisibility.Owner, Admin, Tick()));
        return id;
    }

    public async Task<Guid> NewContactAsync(Guid tenantId, Guid ownerId, string given, string family, string? company = null,
        IReadOnlyList<string>? tags = null, ContactVisibility visibility = ContactVisibility.Owner)
    {
        var id = Guid.CreateVersion7();
        var fields = new ContactFields
        {
            Name = new PersonName(Given: given, Family: family),
            Emails = [new EmailAddress($"{given.ToLowerInvariant()}.{family.ToLowerInvariant()}@example.com", "work")],
            Phones = [new PhoneNumber("+44 20 7946 0000", "work", "+442079460000")],
            Company = company,
        };
        await Contact(id, new ContactCommand.CreateContact(tenantId, id, fields, tags ?? [], ownerId, [], visibility, Admin, Tick()));
        return id;
    }

    public DateTimeOffset Tick() => Now = Now.AddSeconds(1);

    private async Task RunAsync<TEvent, TState>(string stream, Func<IEnumerable<TEvent>, TState> fold,
        Func<TState, IReadOnlyList<TEvent>> decide, Func<TState, long> version) where TEvent : class
    {
        IReadOnlyList<RecordedEvent> stored;
        try
        {
            stored = await store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, long.MaxValue);
        }
        catch (StreamNotFoundException)
        {
            stored = [];
        }
        var state = fold(stored.Select(e => (TEvent)DomainJson.Deserialize(e.Type, e.Data.Span)));
        var events = decide(state);
        if (events.Count == 0) return;
        var data = events.Select(e =>
        {
            var (type, json) = DomainJson.Serialize(e);
            return new EventData(Guid.CreateVersion7(), type, json);
        }).ToList();
        var expected = stored.Count == 0 ? ExpectedRevision.NoStream : ExpectedRevision.FromInt64(version(state));
        var result = await store.AppendToStreamAsync(stream, expected, data);
        LastPosition = result.LogPosition;
    }
}
