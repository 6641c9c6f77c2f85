using System.Text.Json;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Tests.Support;
using static ContactSync.Domain.Contacts.ContactEvent;

namespace ContactSync.Domain.Tests.Contacts;

public sealed class ContactStateTests
{
    [Fact]
    public void The_version_is_the_stream_revision_of_the_last_event_and_updatedAt_its_time()
    {
        var created = Fakes.Created();
        var later = Fakes.T0.AddDays(2);
        var state = Contact.Fold([created, new ContactDeleted(created.TenantId, created.ContactId, created.Actor, later)]);

        Assert.Equal(1, state.Version);
        Assert.True(state.Deleted);
        Assert.Equal(Fakes.T0, state.CreatedAt);
        Assert.Equal(later, state.UpdatedAt);
        Assert.False(Contact.Initial.Exists);
    }

    [Fact]
    public void History_of_a_creation_lists_every_field_that_was_set()
    {
        var follower = Guid.CreateVersion7();
        var created = Fakes.Created(fields: new ContactFields { Name = new PersonName("Ada"), Company = "Analytical" }, tags: ["math"], followers: [follower]);

        var changes = ContactHistory.ChangesOf(created);

        Assert.Equal(["name.given", "company", "tags", "ownerId", "followerIds", "visibility"], changes.Select(c => c.Field));
        Assert.All(changes.Where(c => c.Field is not ("followerIds" or "tags")), c => Assert.Equal(JsonValueKind.Null, c.From.ValueKind));
        Assert.Equal(("[]", "[\"math\"]"), (changes[2].From.GetRawText(), changes[2].To.GetRawText()));
        Assert.Equal("\"owner\"", changes.Single(c => c.Field == "visibility").To.GetRawText());
    }

    [Fact]
    public void History_of_ownership_and_lifecycle_events_shows_before_and_after_without_folding()
    {
        var created = Fakes.Created();
        var newOwner = Guid.CreateVersion7();
        var moved = new ContactOwnerChanged(created.TenantId, created.ContactId, created.OwnerId, newOwner, created.Actor, Fakes.T0);
        var deleted = new ContactDeleted(created.TenantId, created.ContactId, created.Actor, Fakes.T0);

        var ownerChange = Assert.Single(ContactHistory.ChangesOf(moved));
        var deleteChange = Assert.Single(ContactHistory.ChangesOf(deleted));

        Assert.Equal(("ownerId", created.OwnerId, newOwner), (ownerChange.Field, ownerChange.From.GetGuid(), ownerChange.To.GetGuid()));
        Assert.Equal(("deleted", false, true), (deleteChange.Field, deleteChange.From.GetBoolean(), deleteChange.To.GetBoolean()));
    }
}
