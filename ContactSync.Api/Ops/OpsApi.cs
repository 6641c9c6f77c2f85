using ContactSync.Api.Auth;
using ContactSync.Api.Infrastructure;
using ContactSync.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ContactSync.Api.Ops;

/// <summary>
/// Operations: projection positions against the head of the log, throughput, and projection rebuilds (the
/// contract's protocol: the API only records the request; the projector's owner instance does the rebuild).
/// The operator key and tenant admins read; rebuilds are requested by tenant admins (the operator key is read-only here).
/// </summary>
public static class OpsApi
{
    public static IEndpointRouteBuilder MapOpsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ops").WithTags("Operations").WithStandardProblems();
        group.MapGet("/status", GetOpsStatus).RequireOperatorOrAdmin().WithName(nameof(GetOpsStatus))
            .WithSummary("Projection lag, throughput, connections and throttling (operator key or admin)")
            .WithDescription("connections is empty and throttling zero until provider sync exists; throughput counts events appended in the last minute.");
        group.MapGet("/projections/{name}", GetProjection).RequireOperatorOrAdmin().WithName(nameof(GetProjection))
            .WithSummary("A projection's state, position, rebuild progress and checksum (operator key or admin)");
        group.MapPost("/projections/{name}/rebuild", RebuildProjection).RequireAdmin().WithName(nameof(RebuildProjection))
            .WithSummary("Rebuild a projection from the start of the log into fresh tables, then swap (admin)")
            .WithDescription("202 when requested; 404 for an unknown projection; 409 while it is already rebuilding.");
        return app;
    }

    public static async Task<Ok<OpsStatusResponse>> GetOpsStatus(ProjectionStatusReads reads, CancellationToken ct)
    {
        var head = await reads.HeadAsync(ct);
        var projections = (await reads.AllAsync(ct)).Select(p => new ProjectionLag(p.Name, LogPosition.Format(p.Position),
            LogPosition.Format(head), head.Prepare > p.Position.Prepare ? (long)(head.Prepare - p.Position.Prepare) : 0)).ToList();
        var perMinute = await reads.EventsInLastMinuteAsync(ct);
        return TypedResults.Ok(new OpsStatusResponse(projections, [], new Throughput(perMinute, Math.Round(perMinute / 60.0, 2)), new Throttling(0)));
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

public sealed record OpsStatusResponse(IReadOnlyList<ProjectionLag> Projections, IReadOnlyList<object> Connections, Throughput Throughput, Throttling Throttling);

public sealed record ProjectionLag(string Name, string Position, string Head, long Lag);

public sealed record Throughput(long EventsLastMinute, double EventsPerSecond);

public sealed record Throttling(long ThrottledRequests);

public sealed record ProjectionResponse(string Name, string State, string Position, string Head, double Progress, string? Checksum, DateTimeOffset? RebuiltAt);
