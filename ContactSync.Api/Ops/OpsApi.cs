using ContactSync.Api.Auth;
using ContactSync.Api.Infrastructure;
using ContactSync.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ContactSync.Api.Ops;

/// <summary>
/// Operations, the operator key's alone (a tenant's users, admins included, get 403): projection positions against
/// the head of the log, throughput, every tenant's connections and provider throttling, projection rebuilds (the
/// API only records the request; the projector's owner instance does the rebuild), and the connection steps an
/// operator may take for a tenant (sync now, pause, resume), recorded with the system as actor.
/// </summary>
public static class OpsApi
{
    public static IEndpointRouteBuilder MapOpsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ops").WithTags("Operations").RequireOperator().WithStandardProblems();
        group.MapGet("/status", GetOpsStatus).WithName(nameof(GetOpsStatus))
            .WithSummary("Projection lag, throughput, every connection and throttling (operator key)")
            .WithDescription("throughput counts events appended in the last second and minute. A connection's lag is the seconds since its last " +
                "finished run (since its creation before the first), null while ready or disconnected. throttling holds cumulative totals of " +
                $"provider requests and throttled answers of finished runs; rates are deltas between polls. At most {OpsConnectionReads.MaxConnections} " +
                "connections (connectionsTruncated says when there are more). Ids, states and counts only: never contact data.");
        group.MapGet("/projections/{name}", GetProjection).WithName(nameof(GetProjection))
            .WithSummary("A projection's state, position, rebuild progress and checksum (operator key)");
        group.MapPost("/projections/{name}/rebuild", RebuildProjection).WithName(nameof(RebuildProjection))
            .WithSummary("Rebuild a projection from the start of the log into fresh tables, then swap (operator key)")
            .WithDescription("202 when requested; 404 for an unknown projection; 409 while it is already rebuilding.");
        OpsConnectionsApi.MapSteps(group);
        return app;
    }

    public static async Task<Ok<OpsStatusResponse>> GetOpsStatus(ProjectionStatusReads reads, OpsConnectionReads connections, TimeProvider time, CancellationToken ct)
    {
        var head = await reads.HeadAsync(ct);
        var projections = (await reads.AllAsync(ct)).Select(p => new ProjectionLag(p.Name, p.State, LogPosition.Format(p.Position),
            LogPosition.Format(head), head.Prepare > p.Position.Prepare ? (long)(head.Prepare - p.Position.Prepare) : 0)).ToList();
        var (lastSecond, lastMinute) = await reads.EventsAppendedAsync(ct);
        var items = await connections.AllAsync(ct);
        var truncated = items.Count > OpsConnectionReads.MaxConnections;
        return TypedResults.Ok(new OpsStatusResponse(time.GetUtcNow(), projections, [.. items.Take(OpsConnectionReads.MaxConnections)], truncated,
            new Throughput(lastSecond, lastMinute, Math.Round(lastMinute / 60.0, 2)), await connections.ThrottlingAsync(ct)));
    }

    public static async Task<Results<Ok<ProjectionResponse>, ProblemHttpResult>> GetProjection(string name, ProjectionStatusReads reads, CancellationToken ct)
    {
        if (await reads.GetAsync(name, ct) is not { } p) return Problems.NotFound("There is no projection with this name.");
        var head = await reads.HeadAsync(ct);
        var tracked = p.RebuildPosition ?? p.Position;
        var progress = head.Prepare == 0 ? 1.0 : Math.Min(1.0, Math.Round((double)tracked.Prepare / head.Prepare, 4));
        return TypedResults.Ok(new ProjectionResponse(p.Name, p.State, LogPosition.Format(p.Position), LogPosition.Format(head),
            progress, p.Checksum, p.RebuiltAt));
    }

    public static async Task<Results<Accepted, ProblemHttpResult>> RebuildProjection(string name, ProjectionStatusReads reads, CancellationToken ct) =>
        await reads.RequestRebuildAsync(name, ct) switch
        {
            RebuildRequest.Accepted => TypedResults.Accepted($"/api/ops/projections/{name}"),
            RebuildRequest.AlreadyRebuilding => Problems.Conflict("The projection is already rebuilding.", "projection.rebuilding"),
            _ => Problems.NotFound("There is no projection with this name."),
        };
}

/// <param name="At">The server's time of the answer (a client's rates are deltas over this clock).</param>
public sealed record OpsStatusResponse(
    DateTimeOffset At, IReadOnlyList<ProjectionLag> Projections, IReadOnlyList<OpsConnection> Connections, bool ConnectionsTruncated,
    Throughput Throughput, Throttling Throttling);

/// <param name="Lag">Events between the projection's position and the head of the log.</param>
public sealed record ProjectionLag(string Name, string State, string Position, string Head, long Lag);

public sealed record Throughput(long EventsLastSecond, long EventsLastMinute, double EventsPerSecond);

/// <summary>Every connection's finished runs: provider requests sent, and how many were answered with throttling (cumulative).</summary>
public sealed record Throttling(long ProviderRequests, long ThrottledRequests);

public sealed record ProjectionResponse(string Name, string State, string Position, string Head, double Progress, string? Checksum, DateTimeOffset? RebuiltAt);
