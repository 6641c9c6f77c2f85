using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;

namespace ContactSync.Projector.Sync;

/// <summary>
/// A row of <c>rm.connections</c>: the control-plane state folded from <c>Connection-{id}</c> (through
/// <see cref="Connection.Evolve"/>, so the read model and the decider can never disagree), the worker's run state
/// and counts from <c>ConnectionSync-{id}</c>, and the account's grant status from <c>Account-{id}</c>.
/// Enum values are stored by their wire names. <see cref="ProviderRequests"/> and <see cref="ThrottledRequests"/> are
/// cumulative over every run the connection finished (the operator's throttling view).
/// </summary>
internal sealed record ConnectionRow(
    Guid ConnectionId, Guid TenantId, Guid UserId, Guid AccountId, string Provider, string Scope, Guid? ListId,
    string? GroupId, string GroupName, string Direction, string ProviderDeletes, string Conflicts, string Visibility,
    string MatchBy, int PollSeconds, string Status, string? PausedFor, bool NeedsReauth, string? LastError,
    string AccountStatus, string? AccountMessage, string State, Guid? RunId, string? ProgressPhase, int? ProgressDone,
    int? ProgressTotal, DateTimeOffset? LastSyncAt, string? RunError, int Linked, int OpenConflicts, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, long Version, long ProviderRequests = 0, long ThrottledRequests = 0)
{
    public Connection ToState() => new(ConnectionId, TenantId, UserId, AccountId, Provider, Parse<ConnectionScope>(Scope), ListId,
        new GroupRef(GroupId, GroupName),
        new ConnectionSettings(Parse<SyncDirection>(Direction), Parse<ProviderDeletes>(ProviderDeletes), Parse<ConflictPolicy>(Conflicts),
            ContactVisibilityNames.TryParse(Visibility, out var v) ? v : ContactVisibility.Owner, Parse<MatchBy>(MatchBy), PollSeconds),
        Parse<ConnectionStatus>(Status), PausedFor is null ? null : Parse<PauseReason>(PausedFor), NeedsReauth, LastError, Version);

    public static ConnectionRow Created(Connection c, AccountRow? account, DateTimeOffset at) =>
        new ConnectionRow(c.Id, c.TenantId, c.UserId, c.AccountId, c.Provider, "", null, null, "", "", "", "", "", "", 0, "", null, false, null,
            account?.Status ?? AccountRow.Connected, account?.Message, "", null, null, null, null, null, null, 0, 0, at, at, 0).With(c);

    /// <summary>The control-plane columns of <paramref name="c"/>, and the state shown.</summary>
    public ConnectionRow With(Connection c) => (this with
    {
        Scope = WireNames<ConnectionScope>.ToName(c.Scope), ListId = c.ListId, GroupId = c.Group.Id, GroupName = c.Group.Name,
        Direction = WireNames<SyncDirection>.ToName(c.Settings.Direction), ProviderDeletes = WireNames<ProviderDeletes>.ToName(c.Settings.ProviderDeletes),
        Conflicts = WireNames<ConflictPolicy>.ToName(c.Settings.Conflicts), Visibility = c.Settings.Visibility.ToName(),
        MatchBy = WireNames<MatchBy>.ToName(c.Settings.MatchBy), PollSeconds = c.Settings.PollSeconds,
        Status = WireNames<ConnectionStatus>.ToName(c.Status), PausedFor = c.PausedFor is { } p ? WireNames<PauseReason>.ToName(p) : null,
        NeedsReauth = c.NeedsReauth, LastError = c.LastError, Version = c.Version,
    }).Shown();

    /// <summary>
    /// product.md's dashboard states: a disconnected connection or account first, then a grant that needs re-auth
    /// (the connection's own report or its account's), then the control-plane status, with "active" split into
    /// <c>syncing</c> (a run is open), <c>starting</c> (started, no run taken up or ended yet: a client waiting for
    /// <c>idle</c> must not stop before the first run) and <c>idle</c>.
    /// </summary>
    public ConnectionRow Shown() => this with
    {
        State = Status == "disconnected" || AccountStatus == AccountRow.Disconnected ? "disconnected"
            : NeedsReauth || AccountStatus == AccountRow.NeedsReauth ? "needs-reauth"
            : Status == "active" ? (RunId is not null ? "syncing" : LastSyncAt is null ? "starting" : "idle")
            : Status,
    };

    private static T Parse<T>(string name) where T : struct, Enum => WireNames<T>.TryParse(name, out var v) ? v : default;
}

/// <summary>The grant status of a provider account, kept so that a connection created later starts with it.</summary>
internal sealed record AccountRow(Guid AccountId, Guid TenantId, Guid UserId, string Status, string? Message)
{
    public const string Connected = "connected";
    public const string NeedsReauth = "needs-reauth";
    public const string Disconnected = "disconnected";
}
