using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Users;
using ContactSync.Projector.Tests.Support;
using ContactSync.Testing;

namespace ContactSync.Projector.Tests.Dashboard;

[Collection(PostgresCollection.Name)]
public sealed class DashboardProjectionTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Tenant_totals_count_live_and_deleted_contacts_users_lists_and_events()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        await scope.StartProjectorAsync();
        var w = scope.Writer;
        var tenant = await w.NewTenantAsync();
        var other = await w.NewTenantAsync("Other");
        var user = Guid.CreateVersion7();
        await w.User(user, new UserCommand.CreateUser(tenant, user, "Ann", "ann@example.com", null, true, [], DomainWriter.Admin, w.Tick()));
        var a = await w.NewContactAsync(tenant, user, "A", "One");
        await w.NewContactAsync(tenant, user, "B", "Two");
        await w.NewContactAsync(other, user, "C", "Three");
        await w.Contact(a, new ContactCommand.DeleteContact(a, DomainWriter.Admin, w.Tick()));
        var list = Guid.CreateVersion7();
        await w.List(list, new ListCommand.CreateList(tenant, list, "All", ListFilter.All, user, DomainWriter.Admin, w.Tick()));
        var last = w.Tick();
        await w.List(list, new ListCommand.RenameList(list, "Everyone", DomainWriter.Admin, last));

        await scope.WaitForProjectionsAsync("dashboard");

        var totals = Assert.Single(await scope.RowsAsync(
            "SELECT contacts, deleted_contacts, users, roles, lists, events, last_event_at FROM rm.tenant_totals WHERE tenant_id = $1", tenant));
        Assert.Equal([1, 1, 1, 0, 1, 7L], totals[..6]);
        Assert.Equal(last, new DateTimeOffset((DateTime)totals[6]!));
        Assert.Equal(2L, await scope.ScalarAsync<long>("SELECT events FROM rm.tenant_totals WHERE tenant_id = $1", other));
    }
}
