using static ContactSync.Domain.Contacts.ContactEvent;

namespace ContactSync.Domain.Contacts;

/// <summary>
/// The <c>changes: [{field, from, to}]</c> of one history entry, read from the event alone (no folding).
/// Besides the content paths of <see cref="ContactChanges.Paths"/>, events report <c>ownerId</c>,
/// <c>followerIds</c> (one id added or removed), <c>visibility</c> and <c>deleted</c>.
/// </summary>
public static class ContactHistory
{
    public static IReadOnlyList<FieldChange> ChangesOf(ContactEvent @event) => @event switch
    {
        ContactCreated e => [.. ContactChanges.Between(Contact.Initial, Contact.Initial with { Fields = e.Fields, Tags = e.Tags }),
            Change("ownerId", (Guid?)null, e.OwnerId),
            .. e.FollowerIds.Count > 0 ? [Change("followerIds", Array.Empty<Guid>(), e.FollowerIds)] : Array.Empty<FieldChange>(),
            Change("visibility", (ContactVisibility?)null, e.Visibility)],
        ContactUpdated e => e.Changes,
        ContactDeleted => [Change("deleted", false, true)],
        ContactRestored => [Change("deleted", true, false)],
        ContactOwnerChanged e => [Change("ownerId", e.PreviousOwnerId, e.OwnerId)],
        ContactFollowerAdded e => [Change("followerIds", (Guid?)null, e.FollowerId)],
        ContactFollowerRemoved e => [Change("followerIds", e.FollowerId, (Guid?)null)],
        ContactVisibilityChanged e => [Change("visibility", e.PreviousVisibility, e.Visibility)],
        _ => [],
    };

    private static FieldChange Change<T>(string field, T from, T to) =>
        new(field, ContactChanges.ToJson(from), ContactChanges.ToJson(to));
}
