using ContactSync.Domain.Common;
using static ContactSync.Domain.Connections.ConnectionCommand;
using static ContactSync.Domain.Connections.ConnectionEvent;

namespace ContactSync.Domain.Connections;

public abstract record ConnectionCommand
{
    private ConnectionCommand() { }

    public abstract Actor Actor { get; init; }
    public abstract DateTimeOffset At { get; init; }

    /// <summary>Cross-stream checks (the account is the user's, the list's creator, the group is free) are the caller's.</summary>
    public sealed record CreateConnection(
        Guid TenantId, Guid ConnectionId, Guid UserId, Guid AccountId, string Provider, ConnectionScope Scope, Guid? ListId,
        GroupRef Group, ConnectionSettings Settings, Actor Actor, DateTimeOffset At) : ConnectionCommand;

    public sealed record StartConnection(Actor Actor, DateTimeOffset At) : ConnectionCommand;

    public sealed record RequestSync(Actor Actor, DateTimeOffset At) : ConnectionCommand;

    public sealed record PauseConnection(Actor Actor, DateTimeOffset At) : ConnectionCommand;

    public sealed record ResumeConnection(Actor Actor, DateTimeOffset At) : ConnectionCommand;

    public sealed record ConfirmDeletes(Actor Actor, DateTimeOffset At) : ConnectionCommand;

    public sealed record ChangeSettings(ConnectionSettings Settings, Actor Actor, DateTimeOffset At) : ConnectionCommand;

    public sealed record DisconnectConnection(Actor Actor, DateTimeOffset At) : ConnectionCommand;

    // What the worker asks for; the decider decides (style guide, section 15).
    public sealed record BindGroup(string GroupId, string Name, Actor Actor, DateTimeOffset At) : ConnectionCommand;

    public sealed record PauseForMassDelete(int Deletes, int Linked, Actor Actor, DateTimeOffset At) : ConnectionCommand;

    public sealed record RequireReauth(string Message, Actor Actor, DateTimeOffset At) : ConnectionCommand;

    public sealed record ClearReauth(Actor Actor, DateTimeOffset At) : ConnectionCommand;

    public sealed record FailConnection(string Error, Actor Actor, DateTimeOffset At) : ConnectionCommand;

    /// <summary>The API checked that the conflict exists on the connection's sync stream and set the chosen value.</summary>
    public sealed record ResolveConflict(Guid ConflictId, Guid ContactId, string Field, Sync.SyncSide Applied, Actor Actor, DateTimeOffset At) : ConnectionCommand;

    /// <summary>The API checked that the run exists and ended, and undid its CRM changes.</summary>
    public sealed record RevertRun(Guid RunId, int Deleted, int Updated, int Restored, Actor Actor, DateTimeOffset At) : ConnectionCommand;
}

/// <summary>
/// The connection's lifecycle rules. An impossible step throws <see cref="DomainRuleViolation"/> with a stable code
/// (the API answers 409); a step that is already true returns <c>[]</c> where repeating it is harmless for the worker.
/// </summary>
public static class ConnectionDecider
{
    /// <summary>The decider as one value, for the command handler.</summary>
    public static readonly Decider<ConnectionCommand, ConnectionEvent, Connection> Definition =
        new(Decide, Connection.Evolve, Connection.Initial, s => s.Version);

    public static IReadOnlyList<ConnectionEvent> Decide(ConnectionCommand command, Connection state) =>
        (command, state) switch
        {
            (CreateConnection c, { Exists: false }) => [Create(c)],
            (CreateConnection, _) => throw Violation("connection.already-exists", "A connection with this id already exists."),
            (_, { Exists: false }) => throw Violation("connection.not-found", "The connection does not exist."),
            (_, { Status: ConnectionStatus.Disconnected }) => throw Violation("connection.disconnected", "The connection is disconnected; create a new one to sync again."),

            (StartConnection c, { Status: ConnectionStatus.Ready }) => [new ConnectionStarted(state.TenantId, state.Id, c.Actor, c.At)],
            (StartConnection, _) => throw Violation("connection.already-started", "The connection has been started already."),

            (_, { Status: ConnectionStatus.Ready }) when command is RequestSync or PauseConnection or ResumeConnection or ConfirmDeletes or PauseForMassDelete =>
                throw Violation("connection.not-started", "The connection has not been started yet."),

            (RequestSync, { Status: ConnectionStatus.Paused }) => throw Violation("connection.paused", "The connection is paused; resume it first."),
            (RequestSync c, _) => [new ConnectionSyncRequested(state.TenantId, state.Id, c.Actor, c.At)],

            (PauseConnection, { Status: ConnectionStatus.Paused }) => throw Violation("connection.already-paused", "The connection is paused already."),
            (PauseConnection c, _) => [new ConnectionPaused(state.TenantId, state.Id, PauseReason.User, null, c.Actor, c.At)],
            (PauseForMassDelete, { Status: ConnectionStatus.Paused }) => [],
            (PauseForMassDelete c, _) => [new ConnectionPaused(state.TenantId, state.Id, PauseReason.MassDelete,
                $"A pull would delete {c.Deletes} of {c.Linked} linked contacts; confirm the deletes or resume to keep them.", c.Actor, c.At)],

            (ResumeConnection c, { Status: ConnectionStatus.Paused }) => [new ConnectionResumed(state.TenantId, state.Id, c.Actor, c.At)],
            (ResumeConnection, _) => throw Violation("connection.not-paused", "The connection is not paused."),
            (ConfirmDeletes c, { Status: ConnectionStatus.Paused, PausedFor: PauseReason.MassDelete }) =>
                [new ConnectionDeletesConfirmed(state.TenantId, state.Id, c.Actor, c.At)],
            (ConfirmDeletes, _) => throw Violation("connection.no-pending-deletes", "The connection has no deletes waiting for confirmation."),

            (ChangeSettings c, _) when !c.Settings.IsValid => throw Violation("connection.invalid", "The settings are not valid."),
            (ChangeSettings c, _) when c.Settings == state.Settings => [],
            (ChangeSettings c, _) => [new ConnectionSettingsChanged(state.TenantId, state.Id, state.Settings, c.Settings, c.Actor, c.At)],

            (DisconnectConnection c, _) => [new ConnectionDisconnected(state.TenantId, state.Id, c.Actor, c.At)],

            (BindGroup c, _) when c.GroupId == state.Group.Id && c.Name == state.Group.Name => [],
            // A connection syncs one group for life: binding another would orphan every link to the first one.
            (BindGroup c, _) when state.Group.Id is not null && c.GroupId != state.Group.Id =>
                throw Violation("connection.group-already-bound", "The connection is bound to another provider group."),
            (BindGroup c, _) => [new ConnectionGroupBound(state.TenantId, state.Id, c.GroupId, c.Name, c.Actor, c.At)],
            (RequireReauth c, { NeedsReauth: true }) when c.Message == state.LastError => [],
            (RequireReauth c, _) => [new ConnectionReauthRequired(state.TenantId, state.Id, c.Message, c.Actor, c.At)],
            (ClearReauth, { NeedsReauth: false }) => [],
            (ClearReauth c, _) => [new ConnectionReauthCleared(state.TenantId, state.Id, c.Actor, c.At)],
            (FailConnection c, { Status: ConnectionStatus.Failed }) when c.Error == state.LastError => [],
            (FailConnection c, _) => [new ConnectionFailed(state.TenantId, state.Id, c.Error, c.Actor, c.At)],
            (ResolveConflict c, _) when state.ResolvedConflicts.Contains(c.ConflictId) =>
                throw Violation("connection.conflict-resolved", "The conflict has been resolved already."),
            (ResolveConflict c, _) => [new ConnectionConflictResolved(state.TenantId, state.Id, c.ConflictId, c.ContactId, c.Field, c.Applied, c.Actor, c.At)],
            (RevertRun c, _) when state.RevertedRuns.Contains(c.RunId) => throw Violation("connection.run-reverted", "The run has been reverted already."),
            (RevertRun c, _) => [new ConnectionRunReverted(state.TenantId, state.Id, c.RunId, c.Deleted, c.Updated, c.Restored, c.Actor, c.At)],
            _ => throw new InvalidOperationException($"Unhandled connection command {command.GetType().Name}."),
        };

    private static ConnectionCreated Create(CreateConnection c)
    {
        if (!c.Settings.IsValid) throw Violation("connection.invalid", "The settings are not valid.");
        if (c.Scope == ConnectionScope.List && c.ListId is null) throw Violation("connection.invalid", "A list connection needs a list.");
        if (c.Scope == ConnectionScope.Owned && c.ListId is not null) throw Violation("connection.invalid", "An owned-contacts connection has no list.");
        if (string.IsNullOrWhiteSpace(c.Group.Name) && c.Group.Id is null) throw Violation("connection.invalid", "The group needs an id or a name.");
        return new ConnectionCreated(c.TenantId, c.ConnectionId, c.UserId, c.AccountId, c.Provider, c.Scope, c.ListId, c.Group, c.Settings, c.Actor, c.At);
    }

    private static DomainRuleViolation Violation(string code, string message) => new(code, message);
}
