using ContactSync.Domain.Common;
using ContactSync.Domain.Validation;
using static ContactSync.Domain.Contacts.ContactCommand;
using static ContactSync.Domain.Contacts.ContactEvent;

namespace ContactSync.Domain.Contacts;

/// <summary>
/// What can be asked of a contact. Time, ids and the actor come in on the command. References to other
/// aggregates (owner and follower user ids) are checked by the caller against the read models before the
/// command is built; the decider checks what it can see in the contact's own stream.
/// </summary>
public abstract record ContactCommand
{
    private ContactCommand() { }

    public abstract Guid ContactId { get; init; }
    public abstract Actor Actor { get; init; }
    public abstract DateTimeOffset At { get; init; }

    /// <summary><paramref name="Visibility"/> is the caller's choice or, when it gave none, the tenant's default.</summary>
    public sealed record CreateContact(
        Guid TenantId, Guid ContactId, ContactFields Fields, IReadOnlyList<string> Tags, Guid OwnerId,
        IReadOnlyList<Guid> FollowerIds, ContactVisibility Visibility, Actor Actor, DateTimeOffset At) : ContactCommand;

    public sealed record UpdateContact(Guid ContactId, ContactPatch Patch, Actor Actor, DateTimeOffset At) : ContactCommand;

    public sealed record TagContact(
        Guid ContactId, IReadOnlyList<string> Add, IReadOnlyList<string> Remove, Actor Actor, DateTimeOffset At) : ContactCommand;

    public sealed record DeleteContact(Guid ContactId, Actor Actor, DateTimeOffset At) : ContactCommand;

    public sealed record RestoreContact(Guid ContactId, Actor Actor, DateTimeOffset At) : ContactCommand;

    public sealed record ChangeContactOwner(Guid ContactId, Guid OwnerId, Actor Actor, DateTimeOffset At) : ContactCommand;

    public sealed record AddContactFollower(Guid ContactId, Guid FollowerId, Actor Actor, DateTimeOffset At) : ContactCommand;

    public sealed record RemoveContactFollower(Guid ContactId, Guid FollowerId, Actor Actor, DateTimeOffset At) : ContactCommand;

    public sealed record SetContactVisibility(Guid ContactId, ContactVisibility Visibility, Actor Actor, DateTimeOffset At) : ContactCommand;
}

public static class ContactDecider
{
    /// <summary>The decider as one value, for the command handler.</summary>
    public static readonly Decider<ContactCommand, ContactEvent, Contact> Definition = new(Decide, Contact.Evolve, Contact.Initial, s => s.Version);

    public static IReadOnlyList<ContactEvent> Decide(ContactCommand command, Contact state) =>
        (command, state) switch
        {
            (CreateContact c, { Exists: false }) => [Create(c)],
            (CreateContact, _) => throw new DomainRuleViolation("contact.already-exists", "A contact with this id already exists."),
            (_, { Exists: false }) => throw new DomainRuleViolation("contact.not-found", "The contact does not exist."),
            (DeleteContact, { Deleted: true }) => [],
            (DeleteContact c, _) => [new ContactDeleted(state.TenantId, state.Id, c.Actor, c.At)],
            (RestoreContact, { Deleted: false }) => [],
            (RestoreContact c, _) => [new ContactRestored(state.TenantId, state.Id, c.Actor, c.At)],
            (_, { Deleted: true }) => throw new DomainRuleViolation("contact.deleted", "The contact is deleted; restore it first."),
            (UpdateContact c, _) => Update(state, c.Patch, c.Actor, c.At),
            (TagContact c, _) => Update(state, new ContactPatch { Tags = new([.. state.Tags.Concat(c.Add).Where(t => !c.Remove.Contains(t, StringComparer.OrdinalIgnoreCase))]) }, c.Actor, c.At),
            (ChangeContactOwner c, _) when c.OwnerId == Guid.Empty => throw new DomainRuleViolation("contact.owner-required", "A contact must have an owner."),
            (ChangeContactOwner c, _) when c.OwnerId == state.OwnerId => [],
            (ChangeContactOwner c, _) => [new ContactOwnerChanged(state.TenantId, state.Id, state.OwnerId, c.OwnerId, c.Actor, c.At)],
            (AddContactFollower c, _) when state.FollowerIds.Contains(c.FollowerId) => [],
            (AddContactFollower, _) when state.FollowerIds.Count >= Limits.Followers =>
                throw new DomainRuleViolation("contact.too-many-followers", $"A contact can have at most {Limits.Followers} followers."),
            (AddContactFollower c, _) => [new ContactFollowerAdded(state.TenantId, state.Id, c.FollowerId, c.Actor, c.At)],
            (RemoveContactFollower c, _) when !state.FollowerIds.Contains(c.FollowerId) => [],
            (RemoveContactFollower c, _) => [new ContactFollowerRemoved(state.TenantId, state.Id, c.FollowerId, c.Actor, c.At)],
            (SetContactVisibility c, _) when c.Visibility == state.Visibility => [],
            (SetContactVisibility c, _) => [new ContactVisibilityChanged(state.TenantId, state.Id, state.Visibility, c.Visibility, c.Actor, c.At)],
            _ => throw new InvalidOperationException($"Unhandled contact command {command.GetType().Name}."),
        };

    private static ContactCreated Create(CreateContact c)
    {
        if (c.OwnerId == Guid.Empty)
        {
            throw new DomainRuleViolation("contact.owner-required", "A contact must have an owner.");
        }
        var (fields, tags) = Normalized(c.Fields, c.Tags);
        IReadOnlyList<Guid> followers = [.. (c.FollowerIds ?? []).Distinct()];
        if (followers.Count > Limits.Followers)
        {
            throw new DomainRuleViolation("contact.too-many-followers", $"A contact can have at most {Limits.Followers} followers.");
        }
        return new ContactCreated(c.TenantId, c.ContactId, fields, tags, c.OwnerId, followers, c.Visibility, c.Actor, c.At);
    }

    private static IReadOnlyList<ContactEvent> Update(Contact state, ContactPatch patch, Actor actor, DateTimeOffset at)
    {
        var (patchedFields, patchedTags) = patch.ApplyTo(state.Fields, state.Tags);
        var (fields, tags) = Normalized(patchedFields, patchedTags);
        var changes = ContactChanges.Between(state, state with { Fields = fields, Tags = tags });
        return changes.Count == 0 ? [] : [new ContactUpdated(state.TenantId, state.Id, changes, actor, at)];
    }

    // The API validates first to answer with field errors; this is the backstop for any other caller.
    private static (ContactFields Fields, IReadOnlyList<string> Tags) Normalized(ContactFields fields, IReadOnlyList<string>? tags)
    {
        var cleanFields = ContactValidation.Normalize(fields);
        var cleanTags = ContactValidation.NormalizeTags(tags);
        if (!cleanFields.IsValid || !cleanTags.IsValid)
        {
            throw new DomainRuleViolation("contact.invalid", $"The contact is not valid: {cleanFields.Errors} {cleanTags.Errors}".TrimEnd());
        }
        return (cleanFields.Value, cleanTags.Value);
    }
}
