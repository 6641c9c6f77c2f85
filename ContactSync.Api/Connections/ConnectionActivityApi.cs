using System.Text.Json;
using ContactSync.Api.Auth;
using ContactSync.Api.Contacts;
using ContactSync.Api.Infrastructure;
using ContactSync.Api.Users;
using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Sync;
using ContactSync.EventStore;
using ContactSync.Providers.Streams;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactSync.Api.Connections;

/// <summary>
/// A connection's dashboard (product.md, "Dashboards"), its conflicts, and the two repairs a user can make: apply one
/// side of a conflict (rule 5) and revert a run (rule 14). Both repairs change CRM contacts through the contact decider
/// with the caller as actor, so the engine pushes the result to the provider as ordinary edits, and record what was
/// done on the control plane (<c>Connection-{id}</c>), never on the worker's fenced sync stream.
/// </summary>
public static class ConnectionActivityApi
{
    /// <summary>What "recent" means on the dashboards.</summary>
    public static readonly TimeSpan RecentWindow = TimeSpan.FromHours(24);

    private const int RunsShown = 20;
    private const int ConflictsShown = 100;

    public static IEndpointRouteBuilder MapConnectionActivityApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/connections").WithTags("Connections").RequireUser().WithStandardProblems();
        group.MapGet("/{id:guid}/dashboard", GetConnectionDashboard).WithName(nameof(GetConnectionDashboard))
            .WithSummary("A connection's dashboard: totals, the last 24 hours per side, open conflicts, errors and the latest runs")
            .WaitsForMinPosition(ProjectionNames.Connections);
        group.MapGet("/{id:guid}/conflicts", GetConnectionConflicts).WithName(nameof(GetConnectionConflicts))
            .WithSummary("A connection's conflicts (open ones; ?state=all for every one, newest first)")
            .ProducesValidation().WaitsForMinPosition(ProjectionNames.Connections);
        group.MapPost("/{id:guid}/conflicts/{conflictId:guid}/apply", ApplyConflict).WithName(nameof(ApplyConflict))
            .WithSummary("Apply one side of a conflict: the CRM contact takes that value and the sync pushes it to the provider")
            .ProducesValidation();
        group.MapPost("/{id:guid}/runs/{runId:guid}/revert", RevertRun).WithName(nameof(RevertRun))
            .WithSummary("Undo the CRM changes of a run with new contact events (history stays); the result syncs out as ordinary edits");
        return app;
    }

    public static async Task<Results<Ok<ConnectionDashboard>, ProblemHttpResult>> GetConnectionDashboard(
        Guid id, Caller caller, ConnectionReads reads, ConnectionActivityReads activity, ContactReads contacts, TimeProvider time, CancellationToken ct)
    {
        if (await reads.GetAsync(caller, id, ct) is not { } c) return Problems.NotFound("The connection does not exist.");
        var since = time.GetUtcNow() - RecentWindow;
        var recent = await activity.RecentAsync(caller.TenantId, id, since, ct);
        var conflicts = await HideInvisibleAsync(caller, contacts, await activity.ConflictsAsync(caller.TenantId, id, openOnly: true, ConflictsShown, ct), ct);
        var errors = (await activity.RunsAsync(caller.TenantId, id, RunsShown, ct, since, errorsOnly: true))
            .Select(r => new RunError(r.Id, r.Kind, r.EndedAt ?? r.StartedAt, r.State, r.Error, r.Errors, r.Warnings)).ToList();
        var runs = await activity.RunsAsync(caller.TenantId, id, RunsShown, ct);
        return TypedResults.Ok(new ConnectionDashboard(c.Id, c.Provider, c.State, c.Progress, c.LastSyncAt, c.LastError, c.Counts, c.Counts.Linked,
            recent, conflicts, errors, runs));
    }

    public static async Task<Results<Ok<ConflictList>, ProblemHttpResult>> GetConnectionConflicts(
        Guid id, string? state, Caller caller, ConnectionReads reads, ConnectionActivityReads activity, ContactReads contacts, CancellationToken ct)
    {
        if (state is not (null or "open" or "all")) return Problems.Validation("state", "Must be open or all.");
        if (await reads.GetAsync(caller, id, ct) is null) return Problems.NotFound("The connection does not exist.");
        return TypedResults.Ok(new ConflictList(await HideInvisibleAsync(caller, contacts, await activity.ConflictsAsync(caller.TenantId, id, state != "all", 500, ct), ct)));
    }

    /// <summary>
    /// A conflict holds values of a CRM contact; one whose contact the caller cannot see (any more: the owner or the
    /// visibility changed since the run) stays in the list, as it counts in the connection's conflicts, with
    /// <c>hidden: true</c> and both values null. Visibility is the contacts API's rule, read from the contacts read model.
    /// </summary>
    private static async Task<List<ConflictResponse>> HideInvisibleAsync(Caller caller, ContactReads contacts, List<ConflictResponse> conflicts, CancellationToken ct)
    {
        if (caller.IsAdmin || conflicts.Count == 0) return conflicts;
        var visible = await contacts.VisibleIdsAsync(caller, [.. conflicts.Select(c => c.ContactId)], ct);
        return [.. conflicts.Select(c => visible.Contains(c.ContactId) ? c : c with { CrmValue = JsonNull, ProviderValue = JsonNull, Hidden = true })];
    }

    private static readonly JsonElement JsonNull = JsonSerializer.SerializeToElement<object?>(null);

    public static async Task<Results<Ok<ConflictResponse>, ProblemHttpResult>> ApplyConflict(
        Guid id, Guid conflictId, JsonElement body, Caller caller, [AsParameters] ConnectionServices s, ConnectionActivityReads activity,
        DirectoryReads directory, CancellationToken ct)
    {
        if (JsonText.Check(body) is { } malformed) return malformed;
        if (ParseSide(body) is not { } side) return Problems.Validation("side", "Must be crm or provider (and the only member).");
        return await s.WithRetriesAsync<Results<Ok<ConflictResponse>, ProblemHttpResult>>(async () =>
        {
            var (state, problem) = await s.LoadForWriteAsync(id, caller, ct);
            if (problem is not null) return problem;
            if (await activity.ConflictAsync(caller.TenantId, id, conflictId, ct) is not { } conflict) return Problems.NotFound("The conflict does not exist.");
            if (conflict.Resolved || state.ResolvedConflicts.Contains(conflictId))
                return Problems.Conflict("The conflict has been resolved already.", "connection.conflict-resolved");
            var contact = await CommandHandler.LoadAsync(s.Store, ContactDecider.Definition, StreamNames.Contact(conflict.ContactId), ct);
            if (!contact.Exists || !await directory.CanSeeAsync(caller.Viewer, contact, ct))
                return Problems.NotFound("The conflict's contact does not exist or is not visible to you.");
            if (contact.Deleted) return Problems.Conflict("The conflict's contact is deleted; restore it first.", "contact.deleted");

            // The chosen value set on the CRM contact (an equal value appends nothing); the worker wakes on the CRM change
            // and, as the contact now differs from what both sides last agreed on, pushes it to the provider.
            var now = s.Now;
            var resolve = new ConnectionCommand.ResolveConflict(conflictId, contact.Id, conflict.Field, side, caller.Actor, now);
            ConnectionDecider.Decide(resolve, state);   // a refused step (a disconnected connection...) throws before any contact changes
            var value = side == SyncSide.Crm ? conflict.CrmValue : conflict.ProviderValue;
            var target = ContactChanges.Apply(contact, [new FieldChange(conflict.Field, value, value)]);
            var edited = await CommandHandler.HandleAsync(s.Store, ContactDecider.Definition, StreamNames.Contact(contact.Id), contact,
                new ContactCommand.UpdateContact(contact.Id, ContactPatch.SetAll(target.Fields, target.Tags), caller.Actor, now), ct);
            if (edited.Position is { } position) await s.Http.AfterWriteAsync(position, ProjectionNames.Contacts);
            await s.DecideAndAppendAsync(id, state, resolve, ct);
            return TypedResults.Ok(await activity.ConflictAsync(caller.TenantId, id, conflictId, ct) is { Resolved: true } shown
                ? shown : conflict with { Resolved = true, ResolutionSide = WireNames<SyncSide>.ToName(side), ResolvedAt = now });
        });
    }

    public static async Task<Results<Accepted<RevertResponse>, ProblemHttpResult>> RevertRun(
        Guid id, Guid runId, Caller caller, [AsParameters] ConnectionServices s, DirectoryReads directory, CancellationToken ct) =>
        await s.WithRetriesAsync<Results<Accepted<RevertResponse>, ProblemHttpResult>>(async () =>
        {
            var (state, problem) = await s.LoadForWriteAsync(id, caller, ct);
            if (problem is not null) return problem;
            var sync = EventStreams.Domain<SyncEvent>(await EventStreams.ReadAsync(s.Store, StreamNames.ConnectionSync(id), ct)).ToList();
            if (sync.OfType<SyncEvent.SyncRunStarted>().FirstOrDefault(r => r.RunId == runId) is not { } started)
                return Problems.NotFound("The run does not exist.");
            DateTimeOffset? ended = sync.Select(e => e switch
            {
                SyncEvent.SyncRunCompleted c when c.RunId == runId => c.At,
                SyncEvent.SyncRunFailed f when f.RunId == runId => f.At,
                _ => (DateTimeOffset?)null,
            }).FirstOrDefault(at => at is not null);
            if (ended is null) return Problems.Conflict("The run is still running; revert it once it ended.", "connection.run-running");
            if (state.RevertedRuns.Contains(runId)) return Problems.Conflict("The run has been reverted already.", "connection.run-reverted");

            ConnectionDecider.Decide(new ConnectionCommand.RevertRun(runId, 0, 0, 0, caller.Actor, s.Now), state);   // refused steps throw before any contact changes
            var undone = await UndoAsync(s, directory, caller, id, started.At, ended.Value, ContactsOf(sync, runId), ct);
            await s.DecideAndAppendAsync(id, state, new ConnectionCommand.RevertRun(runId, undone.Deleted, undone.Updated, undone.Restored, caller.Actor, s.Now), ct);
            return TypedResults.Accepted($"/api/connections/{id}/dashboard", undone with { RunId = runId });
        });

    /// <summary>The contacts a run touched, as its own sync events name them.</summary>
    private static List<Guid> ContactsOf(List<SyncEvent> sync, Guid runId) =>
        [.. sync.SelectMany(e => e switch
        {
            SyncEvent.ContactLinked l when l.RunId == runId => [l.ContactId],
            SyncEvent.LinkAgreed a when a.RunId == runId => [a.ContactId],
            SyncEvent.ContactUnlinked u when u.RunId == runId => [u.ContactId],
            SyncEvent.ConflictRecorded c when c.RunId == runId => [c.ContactId],
            SyncEvent.ProviderCreatesIntended p when p.RunId == runId => p.ContactIds,
            _ => (IEnumerable<Guid>)[],
        }).Distinct()];

    /// <summary>
    /// Contact events carry no run id: a run's CRM changes are the events whose actor is the connection and whose time
    /// lies in the run's window [started, ended] (a connection runs one run at a time, so the windows never overlap).
    /// Created by the run: deleted (soft). Deleted by the run: restored. Fields the run changed and nobody changed since:
    /// set back to their values before the run. Each as a new event with the caller as actor, and only on contacts the
    /// caller can see now (the contacts API's rule: seeing is editing): a contact whose owner or visibility changed since
    /// the run so that the caller cannot see it is left as it is and counted in <c>skippedNotVisible</c>.
    /// </summary>
    private static async Task<RevertResponse> UndoAsync(ConnectionServices s, DirectoryReads directory, Caller caller, Guid connectionId,
        DateTimeOffset from, DateTimeOffset to, List<Guid> contactIds, CancellationToken ct)
    {
        int deleted = 0, updated = 0, restored = 0, skipped = 0;
        Position? last = null;
        var actorId = connectionId.ToString();
        foreach (var contactId in contactIds)
        {
            var events = EventStreams.Domain<ContactEvent>(await EventStreams.ReadAsync(s.Store, StreamNames.Contact(contactId), ct)).ToList();
            bool InRun(ContactEvent e) => e.Actor.Kind == ActorKind.Connection && e.Actor.Id == actorId && e.At >= from && e.At <= to;
            var first = events.FindIndex(InRun);
            if (first < 0) continue;
            var lastIndex = events.FindLastIndex(InRun);
            var before = ContactDecider.Definition.Fold(events.Take(first));
            var afterRun = ContactDecider.Definition.Fold(events.Take(lastIndex + 1));
            var current = ContactDecider.Definition.Fold(events);
            if (!await directory.CanSeeAsync(caller.Viewer, current, ct))
            {
                skipped++;
                continue;
            }
            var now = s.Now;
            var commands = new List<Func<Contact, ContactCommand>>();
            if (events.Skip(first).Take(lastIndex - first + 1).Any(e => e is ContactEvent.ContactCreated && InRun(e)))
            {
                if (!current.Deleted) { commands.Add(_ => new ContactCommand.DeleteContact(contactId, caller.Actor, now)); deleted++; }
            }
            else
            {
                var restore = afterRun.Deleted && !before.Deleted && current.Deleted;
                if (restore) { commands.Add(_ => new ContactCommand.RestoreContact(contactId, caller.Actor, now)); restored++; }
                var changedSince = ContactChanges.Between(afterRun, current).Select(c => c.Field).ToHashSet(StringComparer.Ordinal);
                var back = ContactChanges.Between(before, afterRun).Where(c => !changedSince.Contains(c.Field))
                    .Select(c => new FieldChange(c.Field, c.To, c.From)).ToList();
                if (back.Count > 0 && (!current.Deleted || restore))
                {
                    var target = ContactChanges.Apply(current, back);
                    commands.Add(_ => new ContactCommand.UpdateContact(contactId, ContactPatch.SetAll(target.Fields, target.Tags), caller.Actor, now));
                    updated++;
                }
            }
            if (commands.Count == 0) continue;
            var handled = await CommandHandler.HandleAsync(s.Store, ContactDecider.Definition, StreamNames.Contact(contactId), current, commands, ct);
            last = handled.Position ?? last;
        }
        if (last is { } position) await s.Http.AfterWriteAsync(position, ProjectionNames.Contacts);
        return new RevertResponse(Guid.Empty, "reverted", deleted, updated, restored, skipped);
    }

    private static SyncSide? ParseSide(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return null;
        SyncSide? side = null;
        foreach (var member in body.EnumerateObject())
        {
            if (member.Name != "side" || member.Value.ValueKind != JsonValueKind.String) return null;
            side = member.Value.GetString() switch { "crm" => SyncSide.Crm, "provider" => SyncSide.Provider, _ => null };
            if (side is null) return null;
        }
        return side;
    }
}

/// <summary>
/// A connection's dashboard: its state, progress, last sync, error and counts; <c>totalSynced</c> (contacts linked now);
/// <c>recent</c> (the last 24 hours of runs summed per side); the open <c>conflicts</c>; <c>errors</c> (runs of the last 24 hours
/// that failed or counted errors); the latest <c>runs</c>.
/// </summary>
public sealed record ConnectionDashboard(
    Guid Id, string Provider, string State, ConnectionProgress? Progress, DateTimeOffset? LastSyncAt, string? LastError, ConnectionCounts Counts,
    int TotalSynced, RecentActivity Recent, IReadOnlyList<ConflictResponse> Conflicts, IReadOnlyList<RunError> Errors, IReadOnlyList<RunResponse> Runs);

public sealed record RunError(Guid RunId, string Kind, DateTimeOffset At, string State, string? Error, int Errors, JsonElement Warnings);

public sealed record ConflictList(IReadOnlyList<ConflictResponse> Items);

/// <param name="SkippedNotVisible">Contacts the run changed that the caller cannot see any more: left unchanged.</param>
public sealed record RevertResponse(Guid RunId, string State, int Deleted, int Updated, int Restored, int SkippedNotVisible);
