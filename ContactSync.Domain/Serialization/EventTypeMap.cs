using ContactSync.Domain.Accounts;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Roles;
using ContactSync.Domain.Sync;
using ContactSync.Domain.Tenants;
using ContactSync.Domain.Users;

namespace ContactSync.Domain.Serialization;

/// <summary>
/// The stored type name of every domain event, written by hand: these strings are in the log forever, so a CLR
/// rename must never change them. A new shape of an event gets a new name (<c>.v2</c>) and keeps the old entry.
/// </summary>
public static class EventTypeMap
{
    private static readonly (string Name, Type Type)[] Entries =
    [
        ("TenantCreated.v1", typeof(TenantEvent.TenantCreated)),
        ("TenantRenamed.v1", typeof(TenantEvent.TenantRenamed)),
        ("TenantDefaultVisibilityChanged.v1", typeof(TenantEvent.TenantDefaultVisibilityChanged)),

        ("RoleCreated.v1", typeof(RoleEvent.RoleCreated)),
        ("RoleRenamed.v1", typeof(RoleEvent.RoleRenamed)),
        ("RoleMoved.v1", typeof(RoleEvent.RoleMoved)),
        ("RoleDeleted.v1", typeof(RoleEvent.RoleDeleted)),

        ("UserCreated.v1", typeof(UserEvent.UserCreated)),
        ("UserRenamed.v1", typeof(UserEvent.UserRenamed)),
        ("UserEmailChanged.v1", typeof(UserEvent.UserEmailChanged)),
        ("UserRoleChanged.v1", typeof(UserEvent.UserRoleChanged)),
        ("UserAdminChanged.v1", typeof(UserEvent.UserAdminChanged)),
        ("UserPermissionsChanged.v1", typeof(UserEvent.UserPermissionsChanged)),
        ("UserApiKeyAdded.v1", typeof(UserEvent.UserApiKeyAdded)),
        ("UserApiKeyRevoked.v1", typeof(UserEvent.UserApiKeyRevoked)),
        ("UserDeactivated.v1", typeof(UserEvent.UserDeactivated)),

        ("ContactCreated.v1", typeof(ContactEvent.ContactCreated)),
        ("ContactUpdated.v1", typeof(ContactEvent.ContactUpdated)),
        ("ContactDeleted.v1", typeof(ContactEvent.ContactDeleted)),
        ("ContactRestored.v1", typeof(ContactEvent.ContactRestored)),
        ("ContactOwnerChanged.v1", typeof(ContactEvent.ContactOwnerChanged)),
        ("ContactFollowerAdded.v1", typeof(ContactEvent.ContactFollowerAdded)),
        ("ContactFollowerRemoved.v1", typeof(ContactEvent.ContactFollowerRemoved)),
        ("ContactVisibilityChanged.v1", typeof(ContactEvent.ContactVisibilityChanged)),

        ("ListCreated.v1", typeof(ListEvent.ListCreated)),
        ("ListRenamed.v1", typeof(ListEvent.ListRenamed)),
        ("ListFilterChanged.v1", typeof(ListEvent.ListFilterChanged)),
        ("ListDeleted.v1", typeof(ListEvent.ListDeleted)),

        ("ConnectionCreated.v1", typeof(ConnectionEvent.ConnectionCreated)),
        ("ConnectionStarted.v1", typeof(ConnectionEvent.ConnectionStarted)),
        ("ConnectionSyncRequested.v1", typeof(ConnectionEvent.ConnectionSyncRequested)),
        ("ConnectionPaused.v1", typeof(ConnectionEvent.ConnectionPaused)),
        ("ConnectionResumed.v1", typeof(ConnectionEvent.ConnectionResumed)),
        ("ConnectionDeletesConfirmed.v1", typeof(ConnectionEvent.ConnectionDeletesConfirmed)),
        ("ConnectionSettingsChanged.v1", typeof(ConnectionEvent.ConnectionSettingsChanged)),
        ("ConnectionDisconnected.v1", typeof(ConnectionEvent.ConnectionDisconnected)),
        ("ConnectionGroupBound.v1", typeof(ConnectionEvent.ConnectionGroupBound)),
        ("ConnectionReauthRequired.v1", typeof(ConnectionEvent.ConnectionReauthRequired)),
        ("ConnectionReauthCleared.v1", typeof(ConnectionEvent.ConnectionReauthCleared)),
        ("ConnectionFailed.v1", typeof(ConnectionEvent.ConnectionFailed)),
        ("ConnectionConflictResolved.v1", typeof(ConnectionEvent.ConnectionConflictResolved)),
        ("ConnectionRunReverted.v1", typeof(ConnectionEvent.ConnectionRunReverted)),

        ("SyncRunStarted.v1", typeof(SyncEvent.SyncRunStarted)),
        ("SyncRunProgressed.v1", typeof(SyncEvent.SyncRunProgressed)),
        ("SyncRunCompleted.v1", typeof(SyncEvent.SyncRunCompleted)),
        ("SyncRunFailed.v1", typeof(SyncEvent.SyncRunFailed)),
        ("ProviderChangeObserved.v1", typeof(SyncEvent.ProviderChangeObserved)),
        ("ProviderCreatesIntended.v1", typeof(SyncEvent.ProviderCreatesIntended)),
        ("ContactLinked.v1", typeof(SyncEvent.ContactLinked)),
        ("LinkAgreed.v1", typeof(SyncEvent.LinkAgreed)),
        ("ContactUnlinked.v1", typeof(SyncEvent.ContactUnlinked)),
        ("CursorSaved.v1", typeof(SyncEvent.CursorSaved)),
        ("ConflictRecorded.v1", typeof(SyncEvent.ConflictRecorded)),
        ("ConflictResolved.v1", typeof(SyncEvent.ConflictResolved)),
        ("RunReverted.v1", typeof(SyncEvent.RunReverted)),
        ("NotificationsSubscribed.v1", typeof(SyncEvent.NotificationsSubscribed)),
        ("NotificationsEnded.v1", typeof(SyncEvent.NotificationsEnded)),
        ("ProviderChangesNotified.v1", typeof(SyncEvent.ProviderChangesNotified)),

        ("AccountConnected.v1", typeof(AccountEvent.AccountConnected)),
        ("AccountGrantRenewed.v1", typeof(AccountEvent.AccountGrantRenewed)),
        ("AccountReauthRequired.v1", typeof(AccountEvent.AccountReauthRequired)),
        ("AccountDisconnected.v1", typeof(AccountEvent.AccountDisconnected)),
    ];

    private static readonly Dictionary<string, Type> TypesByName = Entries.ToDictionary(e => e.Name, e => e.Type, StringComparer.Ordinal);
    private static readonly Dictionary<Type, string> NamesByType = Entries.ToDictionary(e => e.Type, e => e.Name);

    /// <summary>Stored name → CLR type, for a serializer registry.</summary>
    public static IReadOnlyDictionary<string, Type> ByName => TypesByName;

    /// <summary>CLR type → stored name.</summary>
    public static IReadOnlyDictionary<Type, string> ByType => NamesByType;

    public static string NameOf(Type eventType) =>
        NamesByType.TryGetValue(eventType, out var name) ? name : throw new ArgumentException($"{eventType.Name} is not a mapped domain event.", nameof(eventType));

    public static string NameOf(object @event) => NameOf(@event.GetType());

    public static bool TryGetType(string name, out Type type) => TypesByName.TryGetValue(name, out type!);
}
