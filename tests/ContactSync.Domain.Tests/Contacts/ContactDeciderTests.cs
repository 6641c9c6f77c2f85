using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Tests.Support;
using static ContactSync.Domain.Contacts.ContactCommand;
using static ContactSync.Domain.Contacts.ContactEvent;

namespace ContactSync.Domain.Tests.Contacts;

public sealed class ContactDeciderTests
{
    private readonly Guid id = Guid.CreateVersion7();
    private readonly Guid owner = Guid.CreateVersion7();
    private readonly Actor actor = Fakes.User();
    private readonly DateTimeOffset at = Fakes.T0.AddHours(1);

    private ContactCreated Created(ContactFields? fields = null, IReadOnlyList<string>? tags = null, IReadOnlyList<Guid>? followers = null) =>
        Fakes.Created(id, owner, fields, tags, followers: followers);

    private static FieldChange Change<T>(string field, T from, T to) => new(field, ContactChanges.ToJson(from), ContactChanges.ToJson(to));

    [Fact]
    public void Creating_a_contact_records_its_content_cleaned_with_phones_normalised_beside_the_typed_text()
    {
        var typed = new ContactFields
        {
            Name = new PersonName("  Zoe\u0301 ", Family: "O'Brien"),
            Phones = [new PhoneNumber("+44 (0)20 7946 0958", "work", Normalized: "bogus")],
        };
        var expected = new ContactFields
        {
            Name = new PersonName("Zo\u00e9", Family: "O'Brien"),
            Phones = [new PhoneNumber("+44 (0)20 7946 0958", "work", "+442079460958")],
        };
        var followers = new[] { Guid.CreateVersion7() };

        Specs.Contact()
            .When(new CreateContact(Fakes.Tenant, id, typed, [" vip ", "VIP", "lead"], owner, [followers[0], followers[0]], ContactVisibility.OwnerAndFollowers, actor, at))
            .Then(new ContactCreated(Fakes.Tenant, id, expected, ["vip", "lead"], owner, followers, ContactVisibility.OwnerAndFollowers, actor, at));
    }

    [Fact]
    public void Creating_a_contact_that_exists_is_refused() =>
        Specs.Contact().Given(Created())
            .When(new CreateContact(Fakes.Tenant, id, ContactFields.Empty, [], owner, [], ContactVisibility.Owner, actor, at))
            .Throws("contact.already-exists");

    [Fact]
    public void A_contact_needs_an_owner() =>
        Specs.Contact()
            .When(new CreateContact(Fakes.Tenant, id, ContactFields.Empty, [], Guid.Empty, [], ContactVisibility.Owner, actor, at))
            .Throws("contact.owner-required");

    [Fact]
    public void Invalid_content_is_refused_by_the_decider_even_when_the_caller_skipped_validation() =>
        Specs.Contact()
            .When(new CreateContact(Fakes.Tenant, id, new ContactFields { Emails = [new EmailAddress("not an address")] }, [], owner, [], ContactVisibility.Owner, actor, at))
            .Throws("contact.invalid");

    [Fact]
    public void Any_command_but_create_on_a_missing_contact_is_refused() =>
        Specs.Contact().When(new DeleteContact(id, actor, at)).Throws("contact.not-found");

    [Fact]
    public void An_update_records_only_the_fields_that_changed_with_their_before_and_after() =>
        Specs.Contact().Given(Created(new ContactFields { Name = new PersonName("Grace", Family: "Hopper"), Company = "Navy" }))
            .When(new UpdateContact(id, new ContactPatch
            {
                Name = new PersonNamePatch { Given = "Grace", Family = "Murray Hopper" },
                Company = "Navy",
                Emails = new([new EmailAddress("grace@navy.mil")]),
            }, actor, at))
            .Then(new ContactUpdated(Fakes.Tenant, id,
                [Change<string?>("name.family", "Hopper", "Murray Hopper"), Change<IReadOnlyList<EmailAddress>>("emails", [], [new EmailAddress("grace@navy.mil")])],
                actor, at));

    [Fact]
    public void An_update_that_changes_nothing_records_nothing() =>
        Specs.Contact().Given(Created(new ContactFields { Company = "Navy" }))
            .When(new UpdateContact(id, new ContactPatch { Company = "  Navy " }, actor, at))
            .Then();

    [Fact]
    public void An_explicit_null_clears_a_field() =>
        Specs.Contact().Given(Created(new ContactFields { Company = "Navy", Birthday = new Birthday(null, 12, 9) }))
            .When(new UpdateContact(id, new ContactPatch { Company = null, Birthday = null }, actor, at))
            .Then(new ContactUpdated(Fakes.Tenant, id,
                [Change<Birthday?>("birthday", new Birthday(null, 12, 9), null), Change<string?>("company", "Navy", null)], actor, at));

    [Fact]
    public void An_invalid_update_is_refused() =>
        Specs.Contact().Given(Created())
            .When(new UpdateContact(id, new ContactPatch { Birthday = new Birthday(2023, 2, 29) }, actor, at))
            .Throws("contact.invalid");

    [Fact]
    public void A_deleted_contact_cannot_be_changed_until_restored() =>
        Specs.Contact().Given(Created(), new ContactDeleted(Fakes.Tenant, id, actor, at))
            .When(new UpdateContact(id, new ContactPatch { Company = "Navy" }, actor, at))
            .Throws("contact.deleted");

    [Fact]
    public void Deleting_a_contact_is_a_soft_delete() =>
        Specs.Contact().Given(Created()).When(new DeleteContact(id, actor, at)).Then(new ContactDeleted(Fakes.Tenant, id, actor, at));

    [Fact]
    public void Deleting_a_deleted_contact_is_a_no_op() =>
        Specs.Contact().Given(Created(), new ContactDeleted(Fakes.Tenant, id, actor, at)).When(new DeleteContact(id, actor, at)).Then();

    [Fact]
    public void Restoring_a_deleted_contact_brings_it_back() =>
        Specs.Contact().Given(Created(), new ContactDeleted(Fakes.Tenant, id, actor, at))
            .When(new RestoreContact(id, actor, at)).Then(new ContactRestored(Fakes.Tenant, id, actor, at));

    [Fact]
    public void Restoring_a_live_contact_is_a_no_op() =>
        Specs.Contact().Given(Created()).When(new RestoreContact(id, actor, at)).Then();

    [Fact]
    public void Changing_the_owner_records_the_previous_owner()
    {
        var newOwner = Guid.CreateVersion7();
        Specs.Contact().Given(Created()).When(new ChangeContactOwner(id, newOwner, actor, at))
            .Then(new ContactOwnerChanged(Fakes.Tenant, id, owner, newOwner, actor, at));
    }

    [Fact]
    public void Changing_the_owner_to_the_same_owner_is_a_no_op() =>
        Specs.Contact().Given(Created()).When(new ChangeContactOwner(id, owner, actor, at)).Then();

    [Fact]
    public void The_owner_cannot_be_removed() =>
        Specs.Contact().Given(Created()).When(new ChangeContactOwner(id, Guid.Empty, actor, at)).Throws("contact.owner-required");

    [Fact]
    public void Adding_a_follower_records_it_once()
    {
        var follower = Guid.CreateVersion7();
        Specs.Contact().Given(Created()).When(new AddContactFollower(id, follower, actor, at))
            .Then(new ContactFollowerAdded(Fakes.Tenant, id, follower, actor, at));
        Specs.Contact().Given(Created(followers: [follower])).When(new AddContactFollower(id, follower, actor, at)).Then();
    }

    [Fact]
    public void A_contact_has_at_most_100_followers() =>
        Specs.Contact().Given(Created(followers: [.. Enumerable.Range(0, 100).Select(_ => Guid.CreateVersion7())]))
            .When(new AddContactFollower(id, Guid.CreateVersion7(), actor, at))
            .Throws("contact.too-many-followers");

    [Fact]
    public void Removing_a_follower_who_does_not_follow_is_a_no_op()
    {
        var follower = Guid.CreateVersion7();
        Specs.Contact().Given(Created(followers: [follower])).When(new RemoveContactFollower(id, follower, actor, at))
            .Then(new ContactFollowerRemoved(Fakes.Tenant, id, follower, actor, at));
        Specs.Contact().Given(Created()).When(new RemoveContactFollower(id, follower, actor, at)).Then();
    }

    [Fact]
    public void Changing_visibility_records_the_previous_level() =>
        Specs.Contact().Given(Created()).When(new SetContactVisibility(id, ContactVisibility.Company, actor, at))
            .Then(new ContactVisibilityChanged(Fakes.Tenant, id, ContactVisibility.Owner, ContactVisibility.Company, actor, at));

    [Fact]
    public void Setting_the_same_visibility_is_a_no_op() =>
        Specs.Contact().Given(Created()).When(new SetContactVisibility(id, ContactVisibility.Owner, actor, at)).Then();

    [Fact]
    public void Tagging_adds_and_removes_tags_case_insensitively_as_a_tags_change() =>
        Specs.Contact().Given(Created(tags: ["vip", "lead"]))
            .When(new TagContact(id, ["Customer", "VIP"], ["LEAD"], actor, at))
            .Then(new ContactUpdated(Fakes.Tenant, id, [Change<IReadOnlyList<string>>("tags", ["vip", "lead"], ["vip", "Customer"])], actor, at));

    [Fact]
    public void Tagging_with_tags_it_already_has_is_a_no_op() =>
        Specs.Contact().Given(Created(tags: ["vip"])).When(new TagContact(id, ["VIP"], [], actor, at)).Then();

    [Fact]
    public void A_change_made_by_a_sync_connection_names_the_connection_as_actor()
    {
        var connection = Actor.ForConnection(Guid.CreateVersion7(), "Google: ada@example.com");
        var events = Specs.Contact().Given(Created())
            .When(new UpdateContact(id, new ContactPatch { JobTitle = "Admiral" }, connection, at))
            .Then(new ContactUpdated(Fakes.Tenant, id, [Change<string?>("jobTitle", null, "Admiral")], connection, at));
        Assert.Equal(ActorKind.Connection, events[0].Actor.Kind);
    }
}
