using ContactSync.Api.Auth;
using ContactSync.Api.Connections;
using ContactSync.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ContactSync.Api.Dashboard;

/// <summary>
/// The caller's tenant totals (the <c>dashboard</c> read model; zeros before anything was counted), with the tenant's
/// connections from the <c>connections</c> read model: count by state, contacts synced, open conflicts, the last 24 hours of runs.
/// </summary>
public static class DashboardApi
{
    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/dashboard", GetDashboard).WithTags("Dashboard").RequireUser().WithStandardProblems()
            .WithName(nameof(GetDashboard)).WithSummary("The tenant's totals").WaitsForMinPosition(ProjectionNames.Dashboard);
        return app;
    }

    public static async Task<Ok<DashboardResponse>> GetDashboard(Caller caller, ReadModelDb db, ConnectionActivityReads activity, TimeProvider time, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT contacts, deleted_contacts, users, roles, lists, events, last_event_at FROM rm.tenant_totals WHERE tenant_id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.TenantId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var totals = (await r.ReadAsync(ct)
            ? new DashboardResponse(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt64(5),
                r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6))
            : new DashboardResponse(0, 0, 0, 0, 0, 0, null));
        await r.DisposeAsync();
        return TypedResults.Ok(totals with
        {
            Connections = await activity.TenantTotalsAsync(caller.TenantId, time.GetUtcNow() - ConnectionActivityApi.RecentWindow, ct),
        });
    }
}

public sealed record DashboardResponse(int Contacts, int DeletedContacts, int Users, int Roles, int Lists, long Events, DateTimeOffset? LastEventAt)
{
    public TenantConnectionTotals? Connections { get; init; }
}
