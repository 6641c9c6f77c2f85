using ContactSync.Sandbox.Google.Store;
using ContactSync.Sandbox.Graph.Store;

namespace ContactSync.Sandbox.Persistence;

/// <summary>Everything the sandbox keeps across runs when <c>Sandbox:DataFile</c> is set: accounts, contacts,
/// groups and folders, OAuth grants and tokens, and what issued sync tokens and delta links stand for. Writes
/// still inside a propagation delay are kept with their due time. Graph change subscriptions are not kept
/// (a client re-subscribes when its subscription is gone).</summary>
public sealed record SandboxState(int Version, GoogleState Google, GraphState Graph)
{
    public const int CurrentVersion = 1;
}

public sealed record GoogleState(
    List<GoogleAccountState> Accounts, List<GoogleGrantState> Grants, List<GoogleAccessState> AccessTokens,
    List<GoogleSyncTokenState> SyncTokens);

/// <param name="People">Persons as listings show them (tombstones included).</param>
/// <param name="Pending">Writes not yet visible, in write order, with the time they become visible.</param>
public sealed record GoogleAccountState(
    string Email, long Key, long Seq, List<StoredPerson> People, List<StoredGroup> Groups,
    List<PendingPerson> Pending, DateTimeOffset LastVisibleAt);

public sealed record PendingPerson(DateTimeOffset VisibleAt, StoredPerson Person);

public sealed record GoogleGrantState(string Email, string RefreshToken, string ClientId, string Scope, bool Revoked);

public sealed record GoogleAccessState(string Token, string RefreshToken, DateTimeOffset Expires);

public sealed record GoogleSyncTokenState(string Token, string Email, long Seq, string Kind, DateTimeOffset At);

public sealed record GraphState(
    List<MailboxState> Mailboxes, List<GraphAccessState> AccessTokens, List<GraphRefreshState> RefreshTokens, int DeltaGeneration);

/// <param name="Contacts">Contacts as listings and delta show them.</param>
/// <param name="Pending">Writes not yet visible, in write order (a null contact is a deletion).</param>
public sealed record MailboxState(
    string Id, string Email, string DefaultFolderId, long Seq, long Order, int GrantGeneration,
    List<FolderRecord> Folders, List<ContactRecord> Contacts, List<Tombstone> Tombstones,
    List<PendingContact> Pending, DateTimeOffset LastVisibleAt);

public sealed record PendingContact(DateTimeOffset VisibleAt, string Id, ContactRecord? Next);

public sealed record GraphAccessState(string Token, string MailboxId, int Generation, DateTimeOffset ExpiresAt);

public sealed record GraphRefreshState(string Token, string MailboxId, string ClientId, string Scope, int Generation);
