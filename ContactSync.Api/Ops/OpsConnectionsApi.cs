using ContactSync.Api.Auth;
using ContactSync.Api.Connections;
using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Providers.Streams;
using Microsoft.AspNetCore.Http.HttpResults;
using static ContactSync.Domain.Connections.ConnectionCommand;

namespace ContactSync.Api.Ops;

/// <summary>
/// The steps an operator takes for any tenant's connection: sync now, pause, resume. They answer as the tenant's own
/// endpoints do (202 sync, 200 pause and resume, 404 unknown id, 409 a step the decider refuses, 412 If-Match) and go
/// through the same decider, with the system as actor (<see cref="Caller.Operator"/>), so the connection's history
/// says the operator did it. The answer is the operator's view of the connection, without the tenant's group name.
/// </summary>
public static class OpsConnectionsApi
{
    public static void MapSteps(RouteGroupBuilder group)
    {
        MapStep(group, "sync", "OpsRequestSync", "Sync now, for any tenant's connection (operator key)", (a, t) => new RequestSync(a, t), accepted: true);
        MapStep(group, "pause", "OpsPauseConnection", "Pause any tenant's connection (operator key)", (a, t) => new PauseConnection(a, t), accepted: false);
        MapStep(group, "resume", "OpsResumeConnection", "Resume any tenant's connection (operator key)", (a, t) => new ResumeConnection(a, t), accepted: false);
        group.MapPost("/connections/sync", SyncAll).WithName("OpsSyncAll").WithSummary("Sync every active connection now (operator key)")
            .WithDescription("202 {requested}: a sync-now step for each active connection of every tenant, with the system as actor; one that the decider refuses meanwhile is skipped.");
    }

    public sealed record SyncAllResponse(int Requested);

    public static async Task<Accepted<SyncAllResponse>> SyncAll(Caller caller, OpsConnectionReads reads, [AsParameters] ConnectionServices s, CancellationToken ct)
    {
        var requested = 0;
        foreach (var id in await reads.ActiveIdsAsync(ct))
        {
            try
            {
                await s.WithRetriesAsync(async () =>
                {
                    var state = await s.LoadAsync(id, ct);
                    return await CommandHandler.HandleAsync(s.Store, ConnectionDecider.Definition, StreamNames.Connection(id), state, new RequestSync(caller.Actor, s.Now), ct);
                });
                requested++;
            }
            catch (DomainRuleViolation)
            {
                // Paused or disconnected since the read model said active: nothing to sync.
            }
        }
        return TypedResults.Accepted("/api/ops/status", new SyncAllResponse(requested));
    }

    private static void MapStep(RouteGroupBuilder group, string path, string name, string summary, Func<Actor, DateTimeOffset, ConnectionCommand> step, bool accepted)
    {
        async Task<Results<Ok<OpsConnection>, Accepted<OpsConnection>, ProblemHttpResult>> Handle(
            Guid id, Caller caller, OpsConnectionReads reads, [AsParameters] ConnectionServices s, CancellationToken ct) =>
            await s.WithRetriesAsync<Results<Ok<OpsConnection>, Accepted<OpsConnection>, ProblemHttpResult>>(async () =>
            {
                var (state, problem) = await s.LoadForWriteAsync(id, c => c.Exists, ct);
                if (problem is not null) return problem;
                state = await s.DecideAndAppendAsync(id, state, step(caller.Actor, s.Now), ct);
                s.Http.Response.Headers.ETag = IfMatch.ETag(state.Version);
                var response = await reads.GetAsync(id, ct) ?? From(state);
                return accepted ? TypedResults.Accepted($"/api/ops/connections/{id}", response) : TypedResults.Ok(response);
            });
        group.MapPost($"/connections/{{id:guid}}/{path}", Handle).WithName(name).WithSummary(summary).ProducesProblem(412);
    }

    /// <summary>From the stream alone, when the read model has not caught up within the write's wait.</summary>
    private static OpsConnection From(Connection c) => new(c.Id, c.TenantId, c.AccountId, c.Provider, c.DisplayState,
        c.PausedFor is { } p ? WireNames<PauseReason>.ToName(p) : null, null, null, c.LastError, null, new ConnectionCounts(0, 0), new RequestCounts(0, 0));
}
