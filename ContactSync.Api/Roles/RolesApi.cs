using ContactSync.Api.Auth;
using ContactSync.Api.Infrastructure;
using ContactSync.Api.Users;
using ContactSync.Domain.Common;
using ContactSync.Domain.Roles;
using ContactSync.Domain.Validation;
using ContactSync.EventStore;
using ContactSync.Providers.Streams;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ContactSync.Api.Roles;

/// <summary>The tenant's role tree: admins create roles (under a parent or at the top); every user reads them.</summary>
public static class RolesApi
{
    public static IEndpointRouteBuilder MapRolesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/roles").WithTags("Roles").RequireUser().WithStandardProblems();
        group.MapPost("/", CreateRole).RequireAdmin().WithName(nameof(CreateRole)).WithSummary("Create a role (admin)").ProducesValidation();
        group.MapGet("/", GetRoles).WithName(nameof(GetRoles)).WithSummary("The tenant's roles").WaitsForMinPosition(ProjectionNames.Directory);
        return app;
    }

    public static async Task<Results<Created<RoleResponse>, ProblemHttpResult>> CreateRole(
        RoleRequest body, Caller caller, IEventStore store, DirectoryReads directory, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = EntityNames.Normalize(body.Name);
        foreach (var (f, m) in name.Errors.ToDictionary()) errors.Add(f, m[0]);
        var tree = await directory.RoleTreeAsync(caller.TenantId, ct);
        if (body.ParentId is { } parent && !tree.Contains(parent)) errors.Add("parentId", "Must be a role of this tenant.");
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());

        var id = Guid.CreateVersion7();
        var handled = await CommandHandler.HandleAsync(store, RoleDecider.Definition, StreamNames.Role(id), Role.Initial,
            new RoleCommand.CreateRole(caller.TenantId, id, name.Value, body.ParentId, tree, caller.Actor, time.GetUtcNow()), ct);
        await http.AfterWriteAsync(handled.Position!.Value, ProjectionNames.Directory);
        return TypedResults.Created($"/api/roles/{id}", new RoleResponse(id, name.Value, body.ParentId));
    }

    public static async Task<Ok<ItemsResponse<RoleResponse>>> GetRoles(Caller caller, ReadModelDb db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT role_id, name, parent_id FROM rm.roles WHERE tenant_id = $1 AND NOT deleted ORDER BY role_id");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.TenantId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var items = new List<RoleResponse>();
        while (await r.ReadAsync(ct)) items.Add(new RoleResponse(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetGuid(2)));
        return TypedResults.Ok(new ItemsResponse<RoleResponse>(items));
    }
}

public sealed record RoleRequest(string? Name, Guid? ParentId);

public sealed record RoleResponse(Guid Id, string Name, Guid? ParentId);

public sealed record ItemsResponse<T>(IReadOnlyList<T> Items);
