using System.Text.Json;
using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Sync;

namespace ContactSync.Projector.Sync;

/// <summary>
/// A row of <c>rm.sync_runs</c>: one run of a connection from <c>SyncRunStarted</c> to its end, with the counts per side
/// and the provider requests per endpoint the worker reported, and <c>reverted</c> once a user undid its CRM changes
/// (<see cref="ConnectionEvent.ConnectionRunReverted"/> on the control plane).
/// </summary>
internal sealed record SyncRunRow(
    Guid RunId, Guid ConnectionId, Guid TenantId, string Kind, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string State,
    int CreatedInCrm, int UpdatedInCrm, int DeletedInCrm, int CreatedInProvider, int UpdatedInProvider, int DeletedInProvider,
    int Linked, int Conflicts, int Errors, JsonElement ProviderRequests, JsonElement Warnings, string? Error,
    DateTimeOffset? RevertedAt, string? RevertedBy)
{
    public const string Running = "running", Completed = "completed", Failed = "failed", Throttled = "throttled", Reverted = "reverted";

    private static readonly JsonElement EmptyObject = JsonSerializer.SerializeToElement(new Dictionary<string, int>());
    private static readonly JsonElement EmptyArray = JsonSerializer.SerializeToElement(Array.Empty<string>());

    public static SyncRunRow Started(SyncEvent.SyncRunStarted s) => new(s.RunId, s.ConnectionId, s.TenantId, WireNames<RunKind>.ToName(s.Kind), s.At, null,
        Running, 0, 0, 0, 0, 0, 0, 0, 0, 0, EmptyObject, EmptyArray, null, null, null);

    /// <summary>The run's end; a run already reverted stays <c>reverted</c>.</summary>
    public SyncRunRow Ended(RunCounts c, IReadOnlyList<string> warnings, string? error, DateTimeOffset at, bool throttled = false) => this with
    {
        EndedAt = at, State = State == Reverted ? Reverted : error is null ? Completed : throttled ? Throttled : Failed,
        CreatedInCrm = c.CreatedInCrm, UpdatedInCrm = c.UpdatedInCrm, DeletedInCrm = c.DeletedInCrm,
        CreatedInProvider = c.CreatedInProvider, UpdatedInProvider = c.UpdatedInProvider, DeletedInProvider = c.DeletedInProvider,
        Linked = c.Linked, Conflicts = c.Conflicts, Errors = c.Errors,
        ProviderRequests = JsonSerializer.SerializeToElement(c.ProviderRequests ?? new Dictionary<string, int>()),
        Warnings = JsonSerializer.SerializeToElement(warnings), Error = error,
    };
}

/// <summary>
/// A row of <c>rm.sync_conflicts</c>: a field both sides changed (<c>ConflictRecorded</c> on the sync stream) with both
/// values and times, the policy and the winner, and its resolution once a user applied a side
/// (<see cref="ConnectionEvent.ConnectionConflictResolved"/> on the control plane).
/// </summary>
internal sealed record SyncConflictRow(
    Guid ConflictId, Guid ConnectionId, Guid TenantId, Guid RunId, Guid ContactId, string Field, JsonElement CrmValue, JsonElement ProviderValue,
    DateTimeOffset? CrmChangedAt, DateTimeOffset? ProviderChangedAt, string Policy, string Winner, DateTimeOffset RecordedAt,
    bool Resolved, string? ResolutionSide, DateTimeOffset? ResolvedAt, string? ResolvedBy)
{
    public static SyncConflictRow Recorded(SyncEvent.ConflictRecorded c) => new(c.ConflictId, c.ConnectionId, c.TenantId, c.RunId, c.ContactId, c.Field,
        c.CrmValue, c.ProviderValue, c.CrmChangedAt, c.ProviderChangedAt, WireNames<ConflictPolicy>.ToName(c.Policy), WireNames<SyncSide>.ToName(c.Winner),
        c.At, false, null, null, null);
}
