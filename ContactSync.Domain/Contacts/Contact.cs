using ContactSync.Domain.Common;

namespace ContactSync.Domain.Contacts;

/// <summary>
/// The state of one contact, folded from its stream with <see cref="Evolve"/>. <see cref="Initial"/> (no events
/// yet) has <see cref="Exists"/> false. <see cref="Version"/> is the stream revision of the last event folded
/// (0 after the first event), so it is the value for <c>ETag</c> and <c>If-Match</c>.
/// </summary>
public sealed record Contact(
    Guid Id,
    Guid TenantId,
    ContactFields Fields,
    IReadOnlyList<string> Tags,
    Guid OwnerId,
    IReadOnlyList<Guid> FollowerIds,
    ContactVisibility Visibility,
    bool Deleted,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static readonly Contact Initial = new(
        Guid.Empty, Guid.Empty, ContactFields.Empty, [], Guid.Empty, [], ContactVisibility.Owner, false, default, default, -1);

    public bool Exists => Version >= 0;

    /// <summary>
    /// When each content path (<see cref="ContactChanges.Paths"/>) last changed, for the paths changed since the
    /// create; a path not listed has held its value since <see cref="CreatedAt"/>. Null for a state folded before
    /// these times were kept (a read-model row older than them, until a rebuild): every path then reads as
    /// changed at <see cref="UpdatedAt"/>, the most that is known.
    /// </summary>
    public IReadOnlyDictionary<string, DateTimeOffset>? FieldsChangedAt { get; init; }

    /// <summary>When <paramref name="path"/> last changed (rule 5's last-writer-wins compares per field, not per contact).</summary>
    public DateTimeOffset ChangedAt(string path) =>
        FieldsChangedAt is null ? UpdatedAt : FieldsChangedAt.TryGetValue(path, out var at) ? at : CreatedAt;

    public static Contact Evolve(Contact state, ContactEvent @event) =>
        ((state, @event) switch
        {
            (_, ContactEvent.ContactCreated e) => new Contact(
                e.ContactId, e.TenantId, e.Fields, e.Tags, e.OwnerId, e.FollowerIds, e.Visibility, false, e.At, e.At, state.Version)
            { FieldsChangedAt = NoChanges },
            (_, ContactEvent.ContactUpdated e) => ContactChanges.Apply(state, e.Changes) with { FieldsChangedAt = Stamped(state.FieldsChangedAt, e) },
            (_, ContactEvent.ContactDeleted) => state with { Deleted = true },
            (_, ContactEvent.ContactRestored) => state with { Deleted = false },
            (_, ContactEvent.ContactOwnerChanged e) => state with { OwnerId = e.OwnerId },
            (_, ContactEvent.ContactFollowerAdded e) => state with { FollowerIds = [.. state.FollowerIds, e.FollowerId] },
            (_, ContactEvent.ContactFollowerRemoved e) => state with { FollowerIds = [.. state.FollowerIds.Where(f => f != e.FollowerId)] },
            (_, ContactEvent.ContactVisibilityChanged e) => state with { Visibility = e.Visibility },
            _ => state,
        }) with
        { UpdatedAt = @event.At, Version = state.Version + 1 };

    private static readonly IReadOnlyDictionary<string, DateTimeOffset> NoChanges = new Dictionary<string, DateTimeOffset>();

    private static IReadOnlyDictionary<string, DateTimeOffset>? Stamped(IReadOnlyDictionary<string, DateTimeOffset>? times, ContactEvent.ContactUpdated e)
    {
        if (times is null) return null;   // unknown before: a partial map would date the other paths to the create
        var next = new Dictionary<string, DateTimeOffset>(times);
        foreach (var change in e.Changes) next[change.Field] = e.At;
        return next;
    }

    /// <summary>Folds a whole stream, oldest first.</summary>
    public static Contact Fold(IEnumerable<ContactEvent> events) => events.Aggregate(Initial, Evolve);

    // Records compare lists by reference; state is compared by value (tests, no-op checks, rebuild checksums).
    public bool Equals(Contact? other) =>
        other is not null &&
        Id == other.Id && TenantId == other.TenantId && Fields == other.Fields &&
        Tags.SequenceEqual(other.Tags) && OwnerId == other.OwnerId && FollowerIds.SequenceEqual(other.FollowerIds) &&
        Visibility == other.Visibility && Deleted == other.Deleted &&
        CreatedAt == other.CreatedAt && UpdatedAt == other.UpdatedAt && Version == other.Version;

    public override int GetHashCode() => HashCode.Combine(Id, Fields, Version);
}
