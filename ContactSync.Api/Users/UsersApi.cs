using System.Text.Json;
using ContactSync.Api.Auth;
using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Users;
using ContactSync.Domain.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using static ContactSync.Domain.Users.UserCommand;

namespace ContactSync.Api.Users;

/// <summary>
/// Users of the caller's tenant. Admins create and change users; every user may list them (owners and followers
/// are picked from them) and manage their own keys. Keys are shown once, when created.
/// </summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("Users").RequireUser().WithStandardProblems();
        group.MapPost("/", CreateUser).RequireAdmin().WithName(nameof(CreateUser)).WithSummary("Create a user (admin); answers its first API key")
            .Accepts<UserResponse>("application/json").ProducesValidation();
        group.MapGet("/", GetUsers).WithName(nameof(GetUsers)).WithSummary("The tenant's users").ProducesValidation()
            .WaitsForMinPosition(ProjectionNames.Directory);
        group.MapGet("/me", GetMe).WithName(nameof(GetMe)).WithSummary("The calling user").WaitsForMinPosition(ProjectionNames.Directory);
        group.MapPatch("/{id:guid}", PatchUser).RequireAdmin().WithName(nameof(PatchUser))
            .WithSummary("Change a user (admin): name, email, roleId, isAdmin, permissions; active: false deactivates")
            .Accepts<UserResponse>("application/json").ProducesValidation();
        group.MapPost("/{id:guid}/keys", CreateApiKey).WithName(nameof(CreateApiKey)).WithSummary("Create an API key (admin or self); shown once");
        group.MapDelete("/{id:guid}/keys/{keyId:guid}", RevokeApiKey).WithName(nameof(RevokeApiKey))
            .WithSummary("Revoke an API key (admin or self)")
            .WithDescription("This API instance refuses the key at once; other instances within ContactSync:Api:KeyCacheSeconds.");
        return app;
    }

    public static async Task<Results<Created<CreatedUserResponse>, ProblemHttpResult>> CreateUser(
        JsonElement body, Caller caller, [AsParameters] UserServices s, CancellationToken ct)
    {
        if (JsonText.Check(body) is { } malformed) return malformed;
        var errors = new FieldErrors();
        var user = UserBody.Parse(body, create: true, errors);
        await CheckRoleAsync(s, caller, user, errors, ct);
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());
        var created = await s.CreateAsync(caller.TenantId, user.Name.Value, user.Email.Value, user.RoleId.GetValueOrDefault(null),
            user.IsAdmin.GetValueOrDefault(false), user.Permissions.GetValueOrDefault([]), caller.Actor, ct);
        if (created is not { } c) return EmailReservations.TakenProblem();
        return TypedResults.Created($"/api/users/{c.User.Id}", new CreatedUserResponse(UserResponse.From(c.User), c.ApiKey));
    }

    public static async Task<Results<Ok<Page<UserResponse>>, ProblemHttpResult>> GetUsers(
        string? limit, string? cursor, Caller caller, UserReads reads, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var take = Paging.Limit(limit, errors);
        var after = Paging.IdCursor(cursor, "u", errors);
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());
        var rows = await reads.ListAsync(caller.TenantId, after, take, ct);
        var items = rows.Take(take).ToList();
        return TypedResults.Ok(new Page<UserResponse>(items, rows.Count > take ? Paging.Cursor("u", items[^1].Id.ToString("N")) : null));
    }

    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetMe(Caller caller, UserReads reads, CancellationToken ct) =>
        await reads.GetAsync(caller.TenantId, caller.UserId, ct) is { } me ? TypedResults.Ok(me) : Problems.NotFound("The user does not exist.");

    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> PatchUser(
        Guid id, JsonElement body, Caller caller, [AsParameters] UserServices s, CancellationToken ct)
    {
        if (JsonText.Check(body) is { } malformed) return malformed;
        var errors = new FieldErrors();
        var patch = UserBody.Parse(body, create: false, errors);
        await CheckRoleAsync(s, caller, patch, errors, ct);
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());
        return await WriteRetries.WithRetriesAsync<Results<Ok<UserResponse>, ProblemHttpResult>>(s.Http, s.WriteAttempts, async () =>
        {
            var state = await s.LoadAsync(id, ct);
            if (!state.Exists || state.TenantId != caller.TenantId) return Problems.NotFound("The user does not exist.");
            var now = s.Time.GetUtcNow();
            var newEmail = patch.Email.HasValue && !string.Equals(patch.Email.Value, state.Email, StringComparison.OrdinalIgnoreCase) ? patch.Email.Value : null;
            if (newEmail is not null && !await s.ReserveEmailAsync(caller.TenantId, id, newEmail, ct))
                return EmailReservations.TakenProblem();
            var done = false;
            try
            {
                UserCommand update = new UpdateUser(id, caller.Actor, now)
                {
                    Name = patch.Name, Email = patch.Email, RoleId = patch.RoleId, IsAdmin = patch.IsAdmin, Permissions = patch.Permissions,
                };
                List<UserCommand> commands = patch.Active.HasValue ? [update, new DeactivateUser(id, caller.Actor, now)] : [update];
                var after = await s.AppendAsync(state, id, commands, ct);
                done = true;
                if (newEmail is not null) await EmailReservations.ReleaseAsync(s.Store, caller.TenantId, state.Email);
                return TypedResults.Ok(UserResponse.From(after));
            }
            finally
            {
                if (!done && newEmail is not null) await EmailReservations.ReleaseAsync(s.Store, caller.TenantId, newEmail);
            }
        });
    }

    public static async Task<Results<Created<ApiKeyResponse>, ProblemHttpResult>> CreateApiKey(
        Guid id, Caller caller, [AsParameters] UserServices s, CancellationToken ct)
    {
        if (!caller.IsSelfOrAdmin(id)) return Problems.Forbidden("Only the user or an admin may create keys for a user.");
        var key = ApiKeyMaterial.Create();
        return await WriteRetries.WithRetriesAsync<Results<Created<ApiKeyResponse>, ProblemHttpResult>>(s.Http, s.WriteAttempts, async () =>
        {
            var state = await s.LoadAsync(id, ct);
            if (!state.Exists || state.TenantId != caller.TenantId) return Problems.NotFound("The user does not exist.");
            await s.AppendAsync(state, id, [new AddApiKey(id, key.KeyId, key.Hash, caller.Actor, s.Time.GetUtcNow())], ct);
            return TypedResults.Created($"/api/users/{id}/keys/{key.KeyId}", new ApiKeyResponse(key.Key, key.KeyId));
        });
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeApiKey(
        Guid id, Guid keyId, Caller caller, [AsParameters] UserServices s, CancellationToken ct)
    {
        if (!caller.IsSelfOrAdmin(id)) return Problems.Forbidden("Only the user or an admin may revoke a user's keys.");
        return await WriteRetries.WithRetriesAsync<Results<NoContent, ProblemHttpResult>>(s.Http, s.WriteAttempts, async () =>
        {
            var state = await s.LoadAsync(id, ct);
            if (!state.Exists || state.TenantId != caller.TenantId) return Problems.NotFound("The user does not exist.");
            if (state.ApiKeys.All(k => k.KeyId != keyId)) return Problems.NotFound("The user has no such key.");
            await s.AppendAsync(state, id, [new RevokeApiKey(id, keyId, caller.Actor, s.Time.GetUtcNow())], ct);
            return TypedResults.NoContent();
        });
    }

    private static async Task CheckRoleAsync(UserServices s, Caller caller, UserBody body, FieldErrors errors, CancellationToken ct)
    {
        if (body.RoleId is { HasValue: true, Value: { } role } && !await s.Directory.RoleExistsAsync(caller.TenantId, role, ct))
            errors.Add("roleId", "Must be a role of this tenant.");
    }
}
