using System.Text.Json;
using ContactSync.Api.Auth;
using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Accounts;
using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Users;
using ContactSync.Domain.Validation;
using ContactSync.EventStore;
using ContactSync.Providers.Streams;
using Microsoft.AspNetCore.Http.HttpResults;
using static ContactSync.Domain.Connections.ConnectionCommand;

namespace ContactSync.Api.Connections;

/// <summary>
/// Sync connections (the control plane, stream <c>Connection-{id}</c>): create, start, sync now, pause, resume,
/// confirm deletes, settings, disconnect. Each step is an event with the caller as actor; an impossible step is a 409
/// with the decider's code. A connection is the business of its user and of the tenant's admins: anybody else gets 404.
/// </summary>
public static class ConnectionsApi
{
    public const string DefaultOwnedGroupName = "ContactSync";

    public static IEndpointRouteBuilder MapConnectionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/connections").WithTags("Connections").RequireUser().WithStandardProblems();
        group.MapPost("/", CreateConnection).WithName(nameof(CreateConnection)).WithSummary("Create a connection (state ready)")
            .WithDescription("Needs persons.add and organizations.add; scope list only for the list's creator. The group is an existing provider group (id) or a new one (name, default the list's name). One active connection per provider group.")
            .Accepts<ConnectionResponse>("application/json").ProducesValidation();
        group.MapPost("/preview", ConnectionPreview.PreviewConnection).WithName(nameof(ConnectionPreview.PreviewConnection))
            .WithSummary("A dry run of the first sync: counts, up to 20 samples of each kind, and warnings; changes nothing")
            .WithDescription("The same body and checks as a create. Reads the provider group through the adapter (an existing group, or the one a new group's name would bind to); appends no event and writes nothing at the provider. Each side is read up to 100,000 contacts (422 beyond); one preview per user at a time (429 with Retry-After).")
            .Accepts<ConnectionResponse>("application/json").ProducesValidation();
        group.MapGet("/", GetConnections).WithName(nameof(GetConnections)).WithSummary("The caller's connections (an admin: the tenant's)")
            .ProducesValidation().WaitsForMinPosition(ProjectionNames.Connections);
        group.MapGet("/{id:guid}", GetConnection).WithName(nameof(GetConnection)).WithSummary("A connection with its state, progress and counts")
            .WaitsForMinPosition(ProjectionNames.Connections);
        group.MapPatch("/{id:guid}", PatchConnection).WithName(nameof(PatchConnection)).WithSummary("Change a connection's settings")
            .Accepts<ConnectionResponse>("application/json").ProducesValidation().ProducesProblem(412);
        group.MapDelete("/{id:guid}", DisconnectConnection).WithName(nameof(DisconnectConnection))
            .WithSummary("Disconnect: stops syncing for good; no contact is deleted on either side").ProducesProblem(412);
        MapStep(group, "start", nameof(StartConnection), "Start syncing a ready connection", (a, t) => new StartConnection(a, t), accepted: true);
        MapStep(group, "sync", nameof(RequestSync), "Sync now (also the retry of a failed connection)", (a, t) => new RequestSync(a, t), accepted: true);
        MapStep(group, "pause", nameof(PauseConnection), "Pause", (a, t) => new PauseConnection(a, t), accepted: false);
        MapStep(group, "resume", nameof(ResumeConnection), "Resume (after a mass-delete pause: the deletes are rejected, the links end)",
            (a, t) => new ResumeConnection(a, t), accepted: false);
        MapStep(group, "confirm-deletes", nameof(ConfirmDeletes), "Confirm the deletes that paused the connection (rule 7)",
            (a, t) => new ConfirmDeletes(a, t), accepted: false);
        return app;
    }

    private static void MapStep(RouteGroupBuilder group, string path, string name, string summary, Func<Actor, DateTimeOffset, ConnectionCommand> step, bool accepted)
    {
        async Task<Results<Ok<ConnectionResponse>, Accepted<ConnectionResponse>, ProblemHttpResult>> Handle(
            Guid id, Caller caller, [AsParameters] ConnectionServices s, CancellationToken ct) =>
            await s.WithRetriesAsync<Results<Ok<ConnectionResponse>, Accepted<ConnectionResponse>, ProblemHttpResult>>(async () =>
            {
                var (state, problem) = await s.LoadForWriteAsync(id, caller, ct);
                if (problem is not null) return problem;
                state = await s.DecideAndAppendAsync(id, state, step(caller.Actor, s.Now), ct);
                var response = await s.RespondAsync(caller, state, ct);
                return accepted ? TypedResults.Accepted($"/api/connections/{id}", response) : TypedResults.Ok(response);
            });
        group.MapPost($"/{{id:guid}}/{path}", Handle).WithName(name).WithSummary(summary).ProducesProblem(412);
    }

    /// <summary>A create body checked against the caller, the account, the list and the provider: what a create or a preview works on.</summary>
    public sealed record NewConnection(ConnectionBody Request, Account Account, GroupRef Group, ConnectionSettings Settings);

    /// <summary>
    /// The checks a create and a preview share, in the order a user would fix them: the body, the permissions
    /// (Pipedrive: both), the account (the caller's, connected), the list (rule 1: its creator only), the group.
    /// </summary>
    public static async Task<(NewConnection? Resolved, ProblemHttpResult? Problem)> ResolveAsync(JsonElement body, Caller caller, ConnectionServices s, CancellationToken ct)
    {
        if (JsonText.Check(body) is { } malformed) return (null, malformed);
        var errors = new FieldErrors();
        var request = ConnectionBody.Parse(body, create: true, errors);
        if (!errors.IsEmpty) return (null, Problems.Validation(errors.ToDictionary()));

        var permissions = await s.PermissionsAsync(caller, ct);
        if (Permissions.All.FirstOrDefault(p => !permissions.Contains(p)) is { } missing)
            return (null, Problems.Forbidden($"Setting up a sync needs the permissions {string.Join(" and ", Permissions.All)}; you lack {missing}."));

        var account = await s.AccountAsync(request.AccountId, ct);
        if (!account.Exists || account.TenantId != caller.TenantId || account.UserId != caller.UserId)
            return (null, Problems.NotFound("The account does not exist."));
        if (account.Status == AccountStatus.Disconnected) return (null, Problems.Conflict("The account is disconnected; connect it again first.", "account.disconnected"));
        if (account.Status == AccountStatus.NeedsReauth) return (null, Problems.Conflict("The account needs to be connected again (its grant was refused).", "account.needs-reauth"));

        string? listName = null;
        if (request.ListId is { } listId)
        {
            var list = await CommandHandler.LoadAsync(s.Store, ListDecider.Definition, StreamNames.List(listId), ct);
            if (!list.Exists || list.Deleted || list.TenantId != caller.TenantId) return (null, Problems.NotFound("The list does not exist."));
            // Planfix rule 1: only the list's creator syncs it; an admin is no exception.
            if (list.CreatedBy != caller.UserId) return (null, Problems.Forbidden("Only the list's creator can sync it."));
            listName = list.Name;
        }
        var group = new GroupRef(null, request.GroupName ?? listName ?? DefaultOwnedGroupName);
        if (request.GroupId is { } groupId)
        {
            var (existing, refused) = await s.FindGroupAsync(caller, request.AccountId, groupId, ct);
            if (refused is not null) return (null, refused);
            group = new GroupRef(existing!.Id, existing.Name);
        }
        return (new NewConnection(request, account, group, request.ApplyTo(ConnectionSettings.Default)), null);
    }

    public static async Task<Results<Created<ConnectionResponse>, ProblemHttpResult>> CreateConnection(
        JsonElement body, Caller caller, [AsParameters] ConnectionServices s, CancellationToken ct)
    {
        var (resolved, problem) = await ResolveAsync(body, caller, s, ct);
        if (problem is not null) return problem;
        var (request, account, group, settings) = resolved!;
        var id = Guid.CreateVersion7();
        var stale = TimeSpan.FromSeconds(s.Options.Value.GroupReservationStaleSeconds);
        if (!await GroupReservations.TryReserveAsync(s.Store, caller.TenantId, request.AccountId, GroupReservations.KeyOf(group), id, stale, s.Now, ct))
            return Problems.Conflict("Another connection already syncs this provider group; disconnect it first or choose another group.", "connection.group-taken");
        var state = await s.DecideAndAppendAsync(id, Connection.Initial, new CreateConnection(caller.TenantId, id, caller.UserId, request.AccountId,
            account.Provider, request.Scope, request.ListId, group, settings, caller.Actor, s.Now), ct);
        return TypedResults.Created($"/api/connections/{id}", await s.RespondAsync(caller, state, ct));
    }

    public static async Task<Results<Ok<Page<ConnectionResponse>>, ProblemHttpResult>> GetConnections(
        string? limit, string? cursor, Caller caller, ConnectionReads reads, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var take = Paging.Limit(limit, errors);
        var after = Paging.IdCursor(cursor, "n", errors);
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());
        var rows = await reads.ListAsync(caller, after, take, ct);
        var items = rows.Take(take).ToList();
        return TypedResults.Ok(new Page<ConnectionResponse>(items, rows.Count > take ? Paging.Cursor("n", items[^1].Id.ToString("N")) : null));
    }

    public static async Task<Results<Ok<ConnectionResponse>, ProblemHttpResult>> GetConnection(
        Guid id, Caller caller, ConnectionReads reads, HttpContext http, CancellationToken ct)
    {
        if (await reads.GetAsync(caller, id, ct) is not { } connection) return Problems.NotFound("The connection does not exist.");
        http.Response.Headers.ETag = IfMatch.ETag(connection.Version);
        return TypedResults.Ok(connection);
    }

    public static async Task<Results<Ok<ConnectionResponse>, ProblemHttpResult>> PatchConnection(
        Guid id, JsonElement body, Caller caller, [AsParameters] ConnectionServices s, CancellationToken ct)
    {
        if (JsonText.Check(body) is { } malformed) return malformed;
        var errors = new FieldErrors();
        var patch = ConnectionBody.Parse(body, create: false, errors);
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());
        return await s.WithRetriesAsync<Results<Ok<ConnectionResponse>, ProblemHttpResult>>(async () =>
        {
            var (state, problem) = await s.LoadForWriteAsync(id, caller, ct);
            if (problem is not null) return problem;
            state = await s.DecideAndAppendAsync(id, state, new ChangeSettings(patch.ApplyTo(state.Settings), caller.Actor, s.Now), ct);
            return TypedResults.Ok(await s.RespondAsync(caller, state, ct));
        });
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DisconnectConnection(
        Guid id, Caller caller, [AsParameters] ConnectionServices s, CancellationToken ct) =>
        await s.WithRetriesAsync<Results<NoContent, ProblemHttpResult>>(async () =>
        {
            var (state, problem) = await s.LoadForWriteAsync(id, caller, ct);
            if (problem is not null) return problem;
            state = await s.DecideAndAppendAsync(id, state, new DisconnectConnection(caller.Actor, s.Now), ct);
            await GroupReservations.ReleaseAsync(s.Store, state);
            return TypedResults.NoContent();
        });

    /// <summary>
    /// Disconnects every connection of an account that was just disconnected (the accounts API's hook), with the
    /// caller as actor, and releases their groups. Idempotent: already disconnected connections are skipped.
    /// </summary>
    public static async Task DisconnectConnectionsOfAccountAsync(IEventStore store, ConnectionReads reads, Caller caller, Guid accountId,
        DateTimeOffset now, int attempts, CancellationToken ct)
    {
        foreach (var id in await reads.ActiveIdsOfAccountAsync(caller.TenantId, accountId, ct))
        {
            // Decided on the latest state: the worker or a user may append meanwhile.
            var after = await CommandHandler.DecideOnLatestAsync(store, ConnectionDecider.Definition, StreamNames.Connection(id),
                state => state.Exists && state.AccountId == accountId && state.Status != ConnectionStatus.Disconnected ? new DisconnectConnection(caller.Actor, now) : null,
                attempts, ct);
            if (after.AccountId == accountId && after.Status == ConnectionStatus.Disconnected) await GroupReservations.ReleaseAsync(store, after);
        }
    }
}
