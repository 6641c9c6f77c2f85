using ContactSync.Domain.Contacts;
using ContactSync.Domain.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using static ContactSync.Domain.Contacts.ContactCommand;

namespace ContactSync.Domain.Tests.Contacts;

public sealed class ContactPropertyTests
{
    private static readonly Arbitrary<int> Seeds = Arb.From(Gen.Choose(0, int.MaxValue));

    private static Contact CreatedFrom(int seed)
    {
        var actor = Fakes.User();
        var created = ContactDecider.Decide(
            new CreateContact(Fakes.Tenant, Guid.CreateVersion7(), Fakes.Fields(seed), Fakes.Tags(seed), Guid.CreateVersion7(), [], ContactVisibility.Owner, actor, Fakes.T0),
            Contact.Initial);
        return Contact.Fold(created);
    }

    [Fact]
    public void Re_deciding_an_update_with_the_values_the_contact_already_has_is_a_no_op() =>
        Prop.ForAll(Seeds, seed =>
        {
            var state = CreatedFrom(seed);
            var again = ContactPatch.SetAll(state.Fields, state.Tags);
            Assert.Empty(ContactDecider.Decide(new UpdateContact(state.Id, again, Fakes.User(), Fakes.T0), state));
            Assert.Empty(ContactDecider.Decide(new UpdateContact(state.Id, ContactPatch.SetAll(Fakes.Fields(seed), Fakes.Tags(seed)), Fakes.User(), Fakes.T0), state));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void The_field_changes_of_an_update_turn_the_old_state_into_the_new_one() =>
        Prop.ForAll(Seeds, Seeds, (a, b) =>
        {
            var state = CreatedFrom(a);
            var target = ContactValidation.Normalize(Fakes.Fields(b)).Value;
            var targetTags = ContactValidation.NormalizeTags(Fakes.Tags(b)).Value;

            var events = ContactDecider.Decide(new UpdateContact(state.Id, ContactPatch.SetAll(Fakes.Fields(b), Fakes.Tags(b)), Fakes.User(), Fakes.T0), state);
            var changes = events.OfType<ContactEvent.ContactUpdated>().SelectMany(e => e.Changes).ToList();

            Assert.Equal(target, ContactChanges.Apply(state, changes).Fields);
            Assert.Equal(targetTags, ContactChanges.Apply(state, changes).Tags);
            Assert.Equal(target, events.Aggregate(state, Contact.Evolve).Fields);
            Assert.All(changes, c => Assert.NotEqual(c.From.GetRawText(), c.To.GetRawText()));
            Assert.Equal(ContactChanges.Between(state, state with { Fields = target, Tags = targetTags }), changes);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_partial_patch_changes_exactly_the_paths_it_names() =>
        Prop.ForAll(Seeds, Seeds, (a, b) =>
        {
            var state = CreatedFrom(a);
            var other = ContactValidation.Normalize(Fakes.Fields(b)).Value;
            var patch = new ContactPatch { Name = new PersonNamePatch { Family = other.Name.Family }, Phones = new(other.Phones), Notes = other.Notes };

            var events = ContactDecider.Decide(new UpdateContact(state.Id, patch, Fakes.User(), Fakes.T0), state);

            var changed = events.OfType<ContactEvent.ContactUpdated>().SelectMany(e => e.Changes).Select(c => c.Field);
            Assert.Subset(new HashSet<string> { "name.family", "phones", "notes" }, changed.ToHashSet());
        }).QuickCheckThrowOnFailure();
}
