using ContactSync.Domain.Accounts;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Sync;
using Bogus;
using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Roles;
using ContactSync.Domain.Tenants;
using ContactSync.Domain.Users;

namespace ContactSync.Domain.Tests.Support;

/// <summary>One event of every mapped type, filled with random values drawn from the seed.</summary>
public static class SampleEvents
{
    public static IReadOnlyList<object> All(int seed)
    {
        var f = new Faker { Random = new Randomizer(seed) };
        var tenant = f.Random.Guid();
        var actor = f.PickRandom(
            Actor.ForUser(f.Random.Guid(), f.Name.FullName()),
            Actor.ForConnection(f.Random.Guid(), $"Google: {f.Internet.Email()}"),
            Actor.ForSystem("projector"));
        // Ticks precision and odd offsets: the round trip must keep both.
        var at = new DateTimeOffset(f.Date.Past(5).Ticks + f.Random.Int(0, 9_999), TimeSpan.FromMinutes(f.Random.Int(-12, 14) * 30));
        var visibility = f.PickRandom<ContactVisibility>();
        var id = f.Random.Guid();
        var fields = ContactValidation.Normalize(Fakes.Fields(seed)).Value;
        var tags = Fakes.Tags(seed);
        var filter = new ListFilter(f.Random.Bool() ? tags : null, f.Random.Bool() ? [f.Random.Guid()] : null, f.Random.Bool() ? f.Company.CompanyName() : null, f.Random.Bool() ? f.Lorem.Word() : null);
        var before = Contact.Fold([new ContactEvent.ContactCreated(tenant, id, fields, tags, f.Random.Guid(), [], visibility, actor, at)]);
        var after = before with { Fields = ContactValidation.Normalize(Fakes.Fields(seed + 1)).Value, Tags = Fakes.Tags(seed + 1) };
        var changes = ContactChanges.Between(before, after);
        string?[] names = [f.Name.FullName(), f.Name.FullName()];
        var settings = new ConnectionSettings(f.PickRandom<SyncDirection>(), f.PickRandom<ProviderDeletes>(), f.PickRandom<ConflictPolicy>(),
            visibility, f.PickRandom<MatchBy>(), f.Random.Int(ConnectionSettings.MinPollSeconds, 3600));
        var run = f.Random.Guid();
        var sealedGrant = new SealedSecret($"k{f.Random.Int(1, 9)}", Convert.ToBase64String(f.Random.Bytes(48)));
        var providerId = $"people/c{f.Random.Long(1, long.MaxValue)}";
        var counts = new RunCounts(f.Random.Int(0, 9), 1, 2, 3, 4, 5, 6, 7, 8, new Dictionary<string, int> { ["people:batchCreateContacts"] = f.Random.Int(1, 99) });

        return
        [
            new TenantEvent.TenantCreated(tenant, f.Company.CompanyName(), visibility, actor, at),
            new TenantEvent.TenantRenamed(tenant, names[0]!, names[1]!, actor, at),
            new TenantEvent.TenantDefaultVisibilityChanged(tenant, visibility, f.PickRandom<ContactVisibility>(), actor, at),
            new RoleEvent.RoleCreated(tenant, id, f.Name.JobArea(), f.Random.Bool() ? f.Random.Guid() : null, actor, at),
            new RoleEvent.RoleRenamed(tenant, id, f.Name.JobArea(), f.Name.JobArea(), actor, at),
            new RoleEvent.RoleMoved(tenant, id, f.Random.Bool() ? f.Random.Guid() : null, f.Random.Guid(), actor, at),
            new RoleEvent.RoleDeleted(tenant, id, actor, at),
            new UserEvent.UserCreated(tenant, id, names[0]!, f.Internet.Email(), f.Random.Bool() ? f.Random.Guid() : null, f.Random.Bool(), [.. f.PickRandom(Permissions.All, f.Random.Int(0, 2))], actor, at),
            new UserEvent.UserRenamed(tenant, id, names[0]!, names[1]!, actor, at),
            new UserEvent.UserEmailChanged(tenant, id, f.Internet.Email(), f.Internet.Email(), actor, at),
            new UserEvent.UserRoleChanged(tenant, id, null, f.Random.Guid(), actor, at),
            new UserEvent.UserAdminChanged(tenant, id, f.Random.Bool(), actor, at),
            new UserEvent.UserPermissionsChanged(tenant, id, [], Permissions.All, actor, at),
            new UserEvent.UserApiKeyAdded(tenant, id, f.Random.Guid(), f.Random.Hash(64), actor, at),
            new UserEvent.UserApiKeyRevoked(tenant, id, f.Random.Guid(), actor, at),
            new UserEvent.UserDeactivated(tenant, id, actor, at),
            new ContactEvent.ContactCreated(tenant, id, fields, tags, f.Random.Guid(), [f.Random.Guid()], visibility, actor, at),
            new ContactEvent.ContactUpdated(tenant, id, changes, actor, at),
            new ContactEvent.ContactDeleted(tenant, id, actor, at),
            new ContactEvent.ContactRestored(tenant, id, actor, at),
            new ContactEvent.ContactOwnerChanged(tenant, id, f.Random.Guid(), f.Random.Guid(), actor, at),
            new ContactEvent.ContactFollowerAdded(tenant, id, f.Random.Guid(), actor, at),
            new ContactEvent.ContactFollowerRemoved(tenant, id, f.Random.Guid(), actor, at),
            new ContactEvent.ContactVisibilityChanged(tenant, id, visibility, f.PickRandom<ContactVisibility>(), actor, at),
            new ListEvent.ListCreated(tenant, id, f.Commerce.Department(), filter, f.Random.Guid(), actor, at),
            new ListEvent.ListRenamed(tenant, id, f.Commerce.Department(), f.Commerce.Department(), actor, at),
            new ListEvent.ListFilterChanged(tenant, id, ListFilter.All, filter, actor, at),
            new ListEvent.ListDeleted(tenant, id, actor, at),
            new ConnectionEvent.ConnectionCreated(tenant, id, f.Random.Guid(), f.Random.Guid(), f.PickRandom("google", "microsoft"), ConnectionScope.List,
                f.Random.Guid(), new GroupRef(f.Random.Bool() ? $"contactGroups/{f.Random.AlphaNumeric(8)}" : null, f.Commerce.Department()), settings, actor, at),
            new ConnectionEvent.ConnectionStarted(tenant, id, actor, at),
            new ConnectionEvent.ConnectionSyncRequested(tenant, id, actor, at),
            new ConnectionEvent.ConnectionPaused(tenant, id, f.PickRandom<PauseReason>(), f.Random.Bool() ? f.Lorem.Sentence() : null, actor, at),
            new ConnectionEvent.ConnectionResumed(tenant, id, actor, at),
            new ConnectionEvent.ConnectionDeletesConfirmed(tenant, id, actor, at),
            new ConnectionEvent.ConnectionSettingsChanged(tenant, id, ConnectionSettings.Default, settings, actor, at),
            new ConnectionEvent.ConnectionDisconnected(tenant, id, actor, at),
            new ConnectionEvent.ConnectionGroupBound(tenant, id, $"contactGroups/{f.Random.AlphaNumeric(8)}", f.Commerce.Department(), actor, at),
            new ConnectionEvent.ConnectionReauthRequired(tenant, id, f.Lorem.Sentence(), actor, at),
            new ConnectionEvent.ConnectionReauthCleared(tenant, id, actor, at),
            new ConnectionEvent.ConnectionFailed(tenant, id, f.Lorem.Sentence(), actor, at),
            new ConnectionEvent.ConnectionConflictResolved(tenant, id, f.Random.Guid(), f.Random.Guid(), "jobTitle", f.PickRandom<SyncSide>(), actor, at),
            new ConnectionEvent.ConnectionRunReverted(tenant, id, run, f.Random.Int(0, 9), f.Random.Int(0, 9), f.Random.Int(0, 9), actor, at),
            new SyncEvent.SyncRunStarted(tenant, id, run, f.PickRandom<RunKind>(), at, f.Random.Bool() ? f.Random.Long(0, 99) : null),
            new SyncEvent.SyncRunProgressed(tenant, id, run, f.PickRandom("planning", "pushing", "importing", "pulling"), f.Random.Int(0, 100), f.Random.Int(100, 200), at),
            new SyncEvent.SyncRunCompleted(tenant, id, run, counts, f.Random.Bool() ? [f.Lorem.Sentence()] : [], at),
            new SyncEvent.SyncRunFailed(tenant, id, run, counts, f.Lorem.Sentence(), at),
            new SyncEvent.ProviderChangeObserved(tenant, id, run, providerId, f.Random.Hash(12), fields, f.Random.Bool() ? id.ToString() : null, false, f.Random.Bool() ? at : null, at),
            new SyncEvent.ProviderCreatesIntended(tenant, id, run, [f.Random.Guid(), f.Random.Guid()], at),
            new SyncEvent.ContactLinked(tenant, id, run, f.Random.Guid(), providerId, f.Random.Hash(12), fields, f.Random.Bool(), at),
            new SyncEvent.LinkAgreed(tenant, id, run, f.Random.Guid(), providerId, null, fields, at),
            new SyncEvent.ContactUnlinked(tenant, id, run, f.Random.Guid(), providerId, f.PickRandom<UnlinkReason>(), at),
            new SyncEvent.CursorSaved(tenant, id, f.Random.Hash(40), at),
            new SyncEvent.ConflictRecorded(tenant, id, run, f.Random.Guid(), f.Random.Guid(), "jobTitle", ContactChanges.ToJson(f.Name.JobTitle()),
                ContactChanges.ToJson(f.Name.JobTitle()), at, f.Random.Bool() ? at : null, settings.Conflicts, f.PickRandom<SyncSide>(), at),
            new SyncEvent.ConflictResolved(tenant, id, f.Random.Guid(), f.PickRandom<SyncSide>(), actor, at),
            new SyncEvent.RunReverted(tenant, id, run, f.Random.Guid(), actor, at),
            new SyncEvent.NotificationsSubscribed(tenant, id, f.Random.AlphaNumeric(40), at.AddDays(2), at),
            new SyncEvent.NotificationsEnded(tenant, id, f.Random.AlphaNumeric(40), at),
            new SyncEvent.ProviderChangesNotified(tenant, id, f.Random.AlphaNumeric(40), f.Random.Int(1, 50), at),
            new AccountEvent.AccountConnected(tenant, id, f.Random.Guid(), f.PickRandom("google", "microsoft"), f.Internet.Email(), sealedGrant, actor, at),
            new AccountEvent.AccountGrantRenewed(tenant, id, sealedGrant, actor, at),
            new AccountEvent.AccountReauthRequired(tenant, id, f.Lorem.Sentence(), actor, at),
            new AccountEvent.AccountDisconnected(tenant, id, actor, at),
        ];
    }
}
