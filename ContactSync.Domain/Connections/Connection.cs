using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace ContactSync.Domain.Connections;

/// <summary>Where a connection is in its life. <c>syncing</c>/<c>idle</c> are the read model's split of <see cref="Active"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConnectionStatus>))]
public enum ConnectionStatus
{
    [JsonStringEnumMemberName("ready")] Ready,
    [JsonStringEnumMemberName("active")] Active,
    [JsonStringEnumMemberName("paused")] Paused,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("disconnected")] Disconnected,
}

/// <summary>The control-plane state of a connection, folded from <c>Connection-{id}</c>.</summary>
public sealed record Connection(
    Guid Id, Guid TenantId, Guid UserId, Guid AccountId, string Provider, ConnectionScope Scope, Guid? ListId,
    GroupRef Group, ConnectionSettings Settings, ConnectionStatus Status, PauseReason? PausedFor, bool NeedsReauth,
    string? LastError, long Version)
{
    public static readonly Connection Initial = new(Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, "", ConnectionScope.Owned, null,
        new GroupRef(null, ""), ConnectionSettings.Default, ConnectionStatus.Ready, null, false, null, -1);

    public bool Exists => Version >= 0;

    /// <summary>The version at which a user last confirmed a mass delete (rule 7); the worker applies those deletes once.</summary>
    public long? DeletesConfirmedAt { get; init; }

    /// <summary>Conflicts a user applied a side of (<see cref="ConnectionEvent.ConnectionConflictResolved"/>): each is resolved once.</summary>
    public ImmutableHashSet<Guid> ResolvedConflicts { get; init; } = [];

    /// <summary>Runs a user reverted (<see cref="ConnectionEvent.ConnectionRunReverted"/>): each is reverted once.</summary>
    public ImmutableHashSet<Guid> RevertedRuns { get; init; } = [];

    /// <summary>Whether a worker should be running for it: started, not paused, not disconnected, grant usable.</summary>
    public bool ShouldRun => Status == ConnectionStatus.Active && !NeedsReauth;

    /// <summary>The state a user sees (product.md, "Dashboards"), before the worker's split of an active connection into
    /// syncing and idle: <c>starting</c>, until a worker has taken it up.</summary>
    public string DisplayState => Status switch
    {
        ConnectionStatus.Disconnected => "disconnected",
        _ when NeedsReauth => "needs-reauth",
        ConnectionStatus.Ready => "ready",
        ConnectionStatus.Paused => "paused",
        ConnectionStatus.Failed => "failed",
        _ => "starting",
    };

    public static Connection Evolve(Connection state, ConnectionEvent @event) =>
        ((state, @event) switch
        {
            (_, ConnectionEvent.ConnectionCreated e) => new Connection(e.ConnectionId, e.TenantId, e.UserId, e.AccountId, e.Provider, e.Scope,
                e.ListId, e.Group, e.Settings, ConnectionStatus.Ready, null, false, null, state.Version),
            (_, ConnectionEvent.ConnectionStarted) => state with { Status = ConnectionStatus.Active },
            (_, ConnectionEvent.ConnectionSyncRequested) => state with { Status = ConnectionStatus.Active, LastError = null },
            (_, ConnectionEvent.ConnectionPaused e) => state with { Status = ConnectionStatus.Paused, PausedFor = e.Reason },
            (_, ConnectionEvent.ConnectionResumed) => state with { Status = ConnectionStatus.Active, PausedFor = null },
            (_, ConnectionEvent.ConnectionDeletesConfirmed) => state with { Status = ConnectionStatus.Active, PausedFor = null, DeletesConfirmedAt = state.Version + 1 },
            (_, ConnectionEvent.ConnectionSettingsChanged e) => state with { Settings = e.Settings },
            (_, ConnectionEvent.ConnectionDisconnected) => state with { Status = ConnectionStatus.Disconnected, PausedFor = null },
            (_, ConnectionEvent.ConnectionGroupBound e) => state with { Group = new GroupRef(e.GroupId, e.Name) },
            (_, ConnectionEvent.ConnectionReauthRequired e) => state with { NeedsReauth = true, LastError = e.Message },
            (_, ConnectionEvent.ConnectionReauthCleared) => state with { NeedsReauth = false, LastError = null },
            (_, ConnectionEvent.ConnectionFailed e) => state with { Status = ConnectionStatus.Failed, LastError = e.Error },
            (_, ConnectionEvent.ConnectionConflictResolved e) => state with { ResolvedConflicts = state.ResolvedConflicts.Add(e.ConflictId) },
            (_, ConnectionEvent.ConnectionRunReverted e) => state with { RevertedRuns = state.RevertedRuns.Add(e.RunId) },
            _ => state,
        }) with
        { Version = state.Version + 1 };

    public static Connection Fold(IEnumerable<ConnectionEvent> events) => events.Aggregate(Initial, Evolve);
}
