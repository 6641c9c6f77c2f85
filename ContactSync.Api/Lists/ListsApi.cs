using ContactSync.Api.Auth;
using ContactSync.Api.Contacts;
using ContactSync.Api.Infrastructure;
using ContactSync.Api.Users;
using ContactSync.Domain.Common;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Validation;
using ContactSync.EventStore;
using ContactSync.Providers.Streams;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using static ContactSync.Domain.Lists.ListCommand;

namespace ContactSync.Api.Lists;

/// <summary>
/// Saved lists (filters over contacts). Every user of the tenant sees the tenant's lists; only the creator or an
/// admin changes or deletes one. A list's contacts are its members that the caller may see.
/// </summary>
public static class ListsApi
{
    public static IEndpointRouteBuilder MapListsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/lists").WithTags("Lists").RequireUser().WithStandardProblems();
        group.MapPost("/", CreateList).WithName(nameof(CreateList)).WithSummary("Create a list").ProducesValidation();
        group.MapGet("/", GetLists).WithName(nameof(GetLists)).WithSummary("The tenant's lists").ProducesValidation()
            .WaitsForMinPosition(ProjectionNames.Contacts);
        group.MapGet("/{id:guid}", GetList).WithName(nameof(GetList)).WithSummary("A list").WaitsForMinPosition(ProjectionNames.Contacts);
        group.MapGet("/{id:guid}/contacts", GetListContacts).WithName(nameof(GetListContacts))
            .WithSummary("The list's contacts visible to the caller").ProducesValidation().WaitsForMinPosition(ProjectionNames.Contacts);
        group.MapPatch("/{id:guid}", PatchList).WithName(nameof(PatchList)).WithSummary("Rename a list or change its filter (creator or admin)")
            .ProducesValidation();
        group.MapDelete("/{id:guid}", DeleteList).WithName(nameof(DeleteList)).WithSummary("Delete a list (creator or admin)");
        return app;
    }

    public static async Task<Results<Created<ListResponse>, ProblemHttpResult>> CreateList(
        ListRequest body, Caller caller, [AsParameters] ListServices s, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = EntityNames.Normalize(body.Name);
        foreach (var (f, m) in name.Errors.ToDictionary()) errors.Add(f, m[0]);
        var filter = await s.CheckFilterAsync(caller, body.Filter ?? ListFilter.All, errors, ct);
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());
        var id = Guid.CreateVersion7();
        var state = await s.AppendAsync(ContactList.Initial, id,
            new CreateList(caller.TenantId, id, name.Value, filter, caller.UserId, caller.Actor, s.Time.GetUtcNow()), ct);
        return TypedResults.Created($"/api/lists/{id}", ToResponse(state));
    }

    public static async Task<Results<Ok<Page<ListResponse>>, ProblemHttpResult>> GetLists(
        string? limit, string? cursor, Caller caller, ListReads reads, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var take = Paging.Limit(limit, errors);
        var after = Paging.IdCursor(cursor, "l", errors);
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());
        var rows = await reads.ListAsync(caller.TenantId, after, take, ct);
        var items = rows.Take(take).ToList();
        return TypedResults.Ok(new Page<ListResponse>(items, rows.Count > take ? Paging.Cursor("l", items[^1].Id.ToString("N")) : null));
    }

    public static async Task<Results<Ok<ListResponse>, ProblemHttpResult>> GetList(Guid id, Caller caller, ListReads reads, CancellationToken ct) =>
        await reads.GetAsync(caller.TenantId, id, ct) is { } list ? TypedResults.Ok(list) : Problems.NotFound("The list does not exist.");

    public static async Task<Results<Ok<Page<ContactResponse>>, ProblemHttpResult>> GetListContacts(
        Guid id, string? includeDeleted, string? limit, string? cursor, Caller caller, ListReads lists, ContactReads reads, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var take = Paging.Limit(limit, errors);
        var after = Paging.IdCursor(cursor, "c", errors);
        var withDeleted = Paging.Flag(includeDeleted, "includeDeleted", errors);
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());
        if (await lists.GetAsync(caller.TenantId, id, ct) is null) return Problems.NotFound("The list does not exist.");
        return TypedResults.Ok(await ContactsApi.PageAsync(reads, caller, new ContactReads.Query(null, null, null, id, withDeleted, after, take), ct));
    }

    public static async Task<Results<Ok<ListResponse>, ProblemHttpResult>> PatchList(
        Guid id, ListRequest body, Caller caller, [AsParameters] ListServices s, CancellationToken ct)
    {
        var errors = new FieldErrors();
        string? name = null;
        if (body.Name is not null)
        {
            var n = EntityNames.Normalize(body.Name);
            foreach (var (f, m) in n.Errors.ToDictionary()) errors.Add(f, m[0]);
            name = n.Value;
        }
        var filter = body.Filter is null ? null : await s.CheckFilterAsync(caller, body.Filter, errors, ct);
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());
        return await WriteRetries.WithRetriesAsync<Results<Ok<ListResponse>, ProblemHttpResult>>(s.Http, s.Options.Value.WriteAttempts, async () =>
        {
            var state = await s.LoadAsync(id, ct);
            if (!state.Exists || state.Deleted || state.TenantId != caller.TenantId) return Problems.NotFound("The list does not exist.");
            if (state.CreatedBy != caller.UserId && !caller.IsAdmin) return Problems.Forbidden("Only the list's creator or an admin may change it.");
            var now = s.Time.GetUtcNow();
            if (name is not null) state = await s.AppendAsync(state, id, new RenameList(id, name, caller.Actor, now), ct);
            if (filter is not null) state = await s.AppendAsync(state, id, new ChangeListFilter(id, filter, caller.Actor, now), ct);
            return TypedResults.Ok(ToResponse(state));
        });
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteList(Guid id, Caller caller, [AsParameters] ListServices s, CancellationToken ct) =>
        await WriteRetries.WithRetriesAsync<Results<NoContent, ProblemHttpResult>>(s.Http, s.Options.Value.WriteAttempts, async () =>
        {
            var state = await s.LoadAsync(id, ct);
            if (!state.Exists || state.TenantId != caller.TenantId) return Problems.NotFound("The list does not exist.");
            if (state.CreatedBy != caller.UserId && !caller.IsAdmin) return Problems.Forbidden("Only the list's creator or an admin may delete it.");
            await s.AppendAsync(state, id, new DeleteList(id, caller.Actor, s.Time.GetUtcNow()), ct);
            return TypedResults.NoContent();
        });

    private static ListResponse ToResponse(ContactList l) => new(l.Id, l.Name, l.Filter, l.CreatedBy, l.Version);
}

/// <summary>Create or patch body of a list; in a patch, absent members stay as they are.</summary>
public sealed record ListRequest(string? Name, ListFilter? Filter);

public sealed record ListServices(IEventStore Store, DirectoryReads Directory, TimeProvider Time, IOptions<ApiOptions> Options, HttpContext Http)
{
    public Task<ContactList> LoadAsync(Guid id, CancellationToken ct) =>
        CommandHandler.LoadAsync(Store, ListDecider.Definition, StreamNames.List(id), ct);

    public async Task<ContactList> AppendAsync(ContactList state, Guid id, ListCommand command, CancellationToken ct)
    {
        var handled = await CommandHandler.HandleAsync(Store, ListDecider.Definition, StreamNames.List(id), state, command, ct);
        if (handled.Position is { } position) await Http.AfterWriteAsync(position, ProjectionNames.Contacts);
        return handled.State;
    }

    public async Task<ListFilter> CheckFilterAsync(Caller caller, ListFilter filter, FieldErrors errors, CancellationToken ct)
    {
        var clean = ListFilter.Normalize(filter);
        foreach (var (f, messages) in clean.Errors.ToDictionary()) foreach (var m in messages) errors.Add(f, m);
        if (clean.Value.OwnerIds is { Count: > 0 } owners && clean.IsValid)
        {
            var found = await Directory.ActiveUsersAsync(caller.TenantId, owners, ct);
            if (owners.Any(o => !found.Contains(o))) errors.Add("filter.ownerIds", "Every owner must be a user of this tenant.");
        }
        return clean.Value;
    }
}
