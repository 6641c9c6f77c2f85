using System.Text.Json;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Serialization;
using ContactSync.Projector.Tests.Support;
using ContactSync.Testing;

namespace ContactSync.Projector.Tests.Contacts;

[Collection(PostgresCollection.Name)]
public sealed class ContactsProjectionTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_contact_row_carries_the_visibility_columns_search_text_and_the_folded_state()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        await scope.StartProjectorAsync();
        var w = scope.Writer;
        var tenant = await w.NewTenantAsync();
        var (owner, newOwner, follower) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var id = await w.NewContactAsync(tenant, owner, "Grace", "Hopper", "Navy", ["VIP"], ContactVisibility.OwnerRole);
        await w.Contact(id, new ContactCommand.ChangeContactOwner(id, newOwner, DomainWriter.Admin, w.Tick()));
        await w.Contact(id, new ContactCommand.AddContactFollower(id, follower, DomainWriter.Admin, w.Tick()));
        await w.Contact(id, new ContactCommand.SetContactVisibility(id, ContactVisibility.OwnerAndFollowers, DomainWriter.Admin, w.Tick()));
        await w.Contact(id, new ContactCommand.UpdateContact(id, new ContactPatch { JobTitle = "Rear Admiral" }, DomainWriter.Admin, w.Tick()));

        await scope.WaitForProjectionsAsync("contacts");

        var row = Assert.Single(await scope.RowsAsync("""
            SELECT tenant_id, owner_id, follower_ids, visibility, tags, company, display_name, deleted, version, state::text, search
              FROM rm.contacts WHERE contact_id = $1
            """, id));
        Assert.Equal([tenant, newOwner, new[] { follower }, "owner-and-followers", new[] { "VIP" }, "Navy", "Grace Hopper", false, 4L], row[..9]);
        var state = JsonSerializer.Deserialize<Contact>((string)row[9]!, DomainJson.Options)!;
        Assert.Equal("Rear Admiral", state.Fields.JobTitle);
        Assert.Equal(4, state.Version);
        var search = (string)row[10]!;
        foreach (var part in new[] { "grace", "hopper", "grace.hopper@example.com", "+442079460000", "navy", "rear admiral", "vip" })
            Assert.Contains(part, search);
    }

    [Fact]
    public async Task List_membership_follows_contact_changes_and_filter_changes()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        await scope.StartProjectorAsync();
        var w = scope.Writer;
        var tenant = await w.NewTenantAsync();
        var other = await w.NewTenantAsync("Other");
        var owner = Guid.CreateVersion7();
        var vip = await w.NewContactAsync(tenant, owner, "Ann", "Lee", "Initech", ["vip"]);
        var plain = await w.NewContactAsync(tenant, owner, "Ben", "Kim", "Initech");
        var foreign = await w.NewContactAsync(other, owner, "Cy", "Ng", "Initech", ["vip"]);
        var list = Guid.CreateVersion7();
        await w.List(list, new ListCommand.CreateList(tenant, list, "VIPs", new ListFilter(Tags: ["VIP"]), owner, DomainWriter.Admin, w.Tick()));
        await scope.WaitForProjectionsAsync("contacts");
        Assert.Equal([vip], await MembersAsync(scope, list));

        // A contact starts matching, another stops.
        await w.Contact(plain, new ContactCommand.TagContact(plain, ["vip"], [], DomainWriter.Admin, w.Tick()));
        await w.Contact(vip, new ContactCommand.DeleteContact(vip, DomainWriter.Admin, w.Tick()));
        await scope.WaitForProjectionsAsync("contacts");
        Assert.Equal([plain], await MembersAsync(scope, list));

        // The filter changes: membership is recomputed over the tenant only.
        await w.Contact(vip, new ContactCommand.RestoreContact(vip, DomainWriter.Admin, w.Tick()));
        await w.List(list, new ListCommand.ChangeListFilter(list, new ListFilter(Company: "initech", Q: "ann"), DomainWriter.Admin, w.Tick()));
        await scope.WaitForProjectionsAsync("contacts");
        Assert.Equal([vip], await MembersAsync(scope, list));
        Assert.Equal(0L, await scope.ScalarAsync<long>("SELECT count(*) FROM rm.list_members WHERE contact_id = $1", foreign));

        await w.List(list, new ListCommand.DeleteList(list, DomainWriter.Admin, w.Tick()));
        await scope.WaitForProjectionsAsync("contacts");
        Assert.Empty(await MembersAsync(scope, list));
        Assert.True(await scope.ScalarAsync<bool>("SELECT deleted FROM rm.lists WHERE list_id = $1", list));
    }

    [Fact]
    public async Task Events_of_unknown_types_are_skipped_and_projection_goes_on()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        await scope.StartProjectorAsync();
        var w = scope.Writer;
        var tenant = await w.NewTenantAsync();
        var id = Guid.CreateVersion7();
        await scope.Store.AppendToStreamAsync("Contact-" + id, EventStore.ExpectedRevision.NoStream,
            [new EventStore.EventData(Guid.CreateVersion7(), "ContactTeleported.v9", """{"to":"mars"}"""u8.ToArray())]);
        var contact = await w.NewContactAsync(tenant, Guid.CreateVersion7(), "Dee", "Ray");

        await scope.WaitForProjectionsAsync("contacts");

        Assert.Equal(1L, await scope.ScalarAsync<long>("SELECT count(*) FROM rm.contacts WHERE contact_id = $1", contact));
        Assert.Equal(0L, await scope.ScalarAsync<long>("SELECT count(*) FROM rm.contacts WHERE contact_id = $1", id));
    }

    private static async Task<Guid[]> MembersAsync(ProjectorScope scope, Guid list) =>
        [.. (await scope.RowsAsync("SELECT contact_id FROM rm.list_members WHERE list_id = $1 ORDER BY contact_id", list)).Select(r => (Guid)r[0]!)];
}
