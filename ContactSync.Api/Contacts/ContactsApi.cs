using System.Text.Json;
using ContactSync.Api.Auth;
using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using static ContactSync.Domain.Contacts.ContactCommand;

namespace ContactSync.Api.Contacts;

/// <summary>
/// Contacts: writes go through the contact's stream (read, decide, append with the version read); reads come from
/// the <c>contacts</c> read model, filtered by visibility in SQL. Not visible = 404, as for a missing contact.
/// </summary>
public static class ContactsApi
{
    public static IEndpointRouteBuilder MapContactsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/contacts").WithTags("Contacts").RequireUser().WithStandardProblems();
        group.MapPost("/", CreateContact).WithName(nameof(CreateContact)).WithSummary("Create a contact")
            .WithDescription("Owner defaults to the caller, visibility to the tenant default. Answers ETag and X-Log-Position.")
            .Accepts<ContactResponse>("application/json").ProducesValidation();
        group.MapGet("/", ListContacts).WithName(nameof(ListContacts)).WithSummary("List the visible contacts")
            .WithDescription("Filters: q (free text), tag, ownerId, listId, includeDeleted; paging: limit (1-500, default 50), cursor.")
            .ProducesValidation().WaitsForMinPosition(ProjectionNames.Contacts);
        group.MapGet("/{id:guid}", GetContact).WithName(nameof(GetContact)).WithSummary("Get a contact")
            .WithDescription("With asOf, the state at that moment folded from the contact's history. 404 when missing, deleted (unless includeDeleted=true) or not visible.")
            .ProducesValidation().WaitsForMinPosition(ProjectionNames.Contacts);
        group.MapGet("/{id:guid}/duplicates", GetDuplicates).WithName(nameof(GetDuplicates)).WithSummary("Likely duplicates of a contact (rule 15)")
            .WithDescription("Visible contacts that share a normalised e-mail or phone, or have a close name in the same company, each with its reasons. Never merged: each user keeps their own.")
            .WaitsForMinPosition(ProjectionNames.Contacts);
        group.MapPatch("/{id:guid}", PatchContact).WithName(nameof(PatchContact)).WithSummary("Change a contact (JSON merge patch)")
            .WithDescription("Absent members stay, null clears, lists are replaced whole; ownerId, followerIds and visibility are applied with their own commands. If-Match pins the version (412 on mismatch); without it the change applies to the latest version.")
            .Accepts<ContactResponse>("application/merge-patch+json", "application/json").ProducesValidation().ProducesProblem(412);
        group.MapDelete("/{id:guid}", DeleteContact).WithName(nameof(DeleteContact)).WithSummary("Delete a contact (soft delete)")
            .ProducesProblem(412);
        group.MapPost("/{id:guid}/restore", RestoreContact).WithName(nameof(RestoreContact)).WithSummary("Restore a deleted contact")
            .ProducesProblem(412);
        return app;
    }

    public static async Task<Results<Created<ContactResponse>, ProblemHttpResult>> CreateContact(
        JsonElement body, Caller caller, [AsParameters] ContactServices s, CancellationToken ct)
    {
        if (JsonText.Check(body) is { } malformed) return malformed;
        var parsed = ContactPatchJson.Parse(body);
        var errors = parsed.Errors;
        var relations = ContactRelations.Parse(body, errors);
        var (fields, tags) = parsed.Value.ApplyTo(ContactFields.Empty, []);
        var content = ContactValidation.Normalize(fields);
        var cleanTags = ContactValidation.NormalizeTags(tags);
        Merge(errors, content.Errors, cleanTags.Errors);
        relations.CheckUsersExist(await s.Directory.ActiveUsersAsync(caller.TenantId, relations.ReferencedUsers, ct), errors);
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());

        var id = Guid.CreateVersion7();
        var visibility = relations.Visibility ?? await s.Directory.DefaultVisibilityAsync(caller.TenantId, ct);
        var created = await s.DecideAndAppendAsync(id, Contact.Initial,
            [_ => new CreateContact(caller.TenantId, id, content.Value, cleanTags.Value, relations.OwnerId ?? caller.UserId,
                relations.FollowerIds ?? [], visibility, caller.Actor, s.Now)], ct);
        s.Http.Response.Headers.ETag = IfMatch.ETag(created.Version);
        return TypedResults.Created($"/api/contacts/{id}", created.ToResponse());
    }

    public static async Task<Results<Ok<Page<ContactResponse>>, ProblemHttpResult>> ListContacts(
        string? q, string? tag, string? ownerId, string? listId, string? includeDeleted, string? limit, string? cursor,
        Caller caller, ContactReads reads, Lists.ListReads lists, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var query = new ContactReads.Query(
            TextInput.Optional(q, "q", Limits.ListFilterText, errors), TextInput.Optional(tag, "tag", Limits.Tag, errors),
            Paging.Id(ownerId, "ownerId", errors), Paging.Id(listId, "listId", errors), Paging.Flag(includeDeleted, "includeDeleted", errors),
            Paging.IdCursor(cursor, "c", errors),
            Paging.Limit(limit, errors));
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());
        if (query.ListId is { } list && await lists.GetAsync(caller.TenantId, list, ct) is null) return Problems.NotFound("The list does not exist.");
        return TypedResults.Ok(await PageAsync(reads, caller, query, ct));
    }

    internal static async Task<Page<ContactResponse>> PageAsync(ContactReads reads, Caller caller, ContactReads.Query query, CancellationToken ct)
    {
        var rows = await reads.ListAsync(caller, query, ct);
        var more = rows.Count > query.Limit;
        var items = rows.Take(query.Limit).Select(c => c.ToResponse()).ToList();
        return new Page<ContactResponse>(items, more ? Paging.Cursor("c", items[^1].Id.ToString("N")) : null);
    }

    public static async Task<Results<Ok<ContactResponse>, ProblemHttpResult>> GetContact(
        Guid id, string? asOf, string? includeDeleted, Caller caller, [AsParameters] ContactServices s, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var withDeleted = Paging.Flag(includeDeleted, "includeDeleted", errors);
        var at = Paging.Time(asOf, "asOf", errors);
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());
        var contact = at is { } moment
            ? await ContactHistoryApi.AsOfAsync(s, caller, id, moment, withDeleted, ct)
            : await s.Reads.GetAsync(caller, id, withDeleted, ct);
        if (contact is null) return Problems.NotFound("The contact does not exist or is not visible to you.");
        s.Http.Response.Headers.ETag = IfMatch.ETag(contact.Version);
        return TypedResults.Ok(contact.ToResponse());
    }

    public const int MaxDuplicates = 50;

    public static async Task<Results<Ok<DuplicatesResponse>, ProblemHttpResult>> GetDuplicates(Guid id, Caller caller, ContactReads reads, CancellationToken ct)
    {
        if (await reads.GetAsync(caller, id, includeDeleted: false, ct) is not { } contact)
            return Problems.NotFound("The contact does not exist or is not visible to you.");
        // A company shared by thousands is a candidate pool, not an answer: cap what is read, then keep the resemblances.
        var candidates = await reads.DuplicateCandidatesAsync(caller, contact, 10 * MaxDuplicates, ct);
        var items = candidates.Select(c => (Contact: c, Reasons: Reasons(contact.Fields, c.Fields)))
            .Where(x => x.Reasons.Count > 0).Take(MaxDuplicates)
            .Select(x => new DuplicateItem(x.Contact.ToResponse(), x.Reasons)).ToList();
        return TypedResults.Ok(new DuplicatesResponse(items));
    }

    private static List<string> Reasons(ContactFields a, ContactFields b) =>
        [.. MatchKeys.Resemblances(a, b).Select(WireNames<DuplicateReason>.ToName)];

    public static async Task<Results<Ok<ContactResponse>, ProblemHttpResult>> PatchContact(
        Guid id, JsonElement body, Caller caller, [AsParameters] ContactServices s, CancellationToken ct)
    {
        if (JsonText.Check(body) is { } malformed) return malformed;
        var parsed = ContactPatchJson.Parse(body);
        var errors = parsed.Errors;
        var relations = ContactRelations.Parse(body, errors);
        relations.CheckUsersExist(await s.Directory.ActiveUsersAsync(caller.TenantId, relations.ReferencedUsers, ct), errors);
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());
        if (!IfMatch.TryRead(s.Http.Request, out var pinned)) return Problems.PreconditionFailed("If-Match must be an ETag of this contact, such as \"3\".");

        return await s.WithRetriesAsync<Results<Ok<ContactResponse>, ProblemHttpResult>>(async () =>
        {
            var (state, problem) = await s.LoadForWriteAsync(id, caller, pinned, ct);
            if (problem is not null) return problem;
            var (fields, tags) = parsed.Value.ApplyTo(state.Fields, state.Tags);
            var check = new FieldErrors();
            Merge(check, ContactValidation.Normalize(fields).Errors, ContactValidation.NormalizeTags(tags).Errors);
            if (!check.IsEmpty) return Problems.Validation(check.ToDictionary());

            var now = s.Now;
            var commands = new List<Func<Contact, ContactCommand>> { _ => new UpdateContact(id, parsed.Value, caller.Actor, now) };
            if (relations.OwnerId is { } owner) commands.Add(_ => new ChangeContactOwner(id, owner, caller.Actor, now));
            if (relations.FollowerIds is { } followers)
            {
                commands.AddRange(state.FollowerIds.Except(followers).Select(f => (Func<Contact, ContactCommand>)(_ => new RemoveContactFollower(id, f, caller.Actor, now))));
                commands.AddRange(followers.Except(state.FollowerIds).Select(f => (Func<Contact, ContactCommand>)(_ => new AddContactFollower(id, f, caller.Actor, now))));
            }
            if (relations.Visibility is { } visibility) commands.Add(_ => new SetContactVisibility(id, visibility, caller.Actor, now));
            var after = await s.DecideAndAppendAsync(id, state, commands, ct);
            s.Http.Response.Headers.ETag = IfMatch.ETag(after.Version);
            return TypedResults.Ok(after.ToResponse());
        });
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteContact(
        Guid id, Caller caller, [AsParameters] ContactServices s, CancellationToken ct)
    {
        if (!IfMatch.TryRead(s.Http.Request, out var pinned)) return Problems.PreconditionFailed("If-Match must be an ETag of this contact, such as \"3\".");
        return await s.WithRetriesAsync<Results<NoContent, ProblemHttpResult>>(async () =>
        {
            var (state, problem) = await s.LoadForWriteAsync(id, caller, pinned, ct);
            if (problem is not null) return problem;
            await s.DecideAndAppendAsync(id, state, [_ => new DeleteContact(id, caller.Actor, s.Now)], ct);
            return TypedResults.NoContent();
        });
    }

    public static async Task<Results<Ok<ContactResponse>, ProblemHttpResult>> RestoreContact(
        Guid id, Caller caller, [AsParameters] ContactServices s, CancellationToken ct)
    {
        if (!IfMatch.TryRead(s.Http.Request, out var pinned)) return Problems.PreconditionFailed("If-Match must be an ETag of this contact, such as \"3\".");
        return await s.WithRetriesAsync<Results<Ok<ContactResponse>, ProblemHttpResult>>(async () =>
        {
            var (state, problem) = await s.LoadForWriteAsync(id, caller, pinned, ct);
            if (problem is not null) return problem;
            var after = await s.DecideAndAppendAsync(id, state, [_ => new RestoreContact(id, caller.Actor, s.Now)], ct);
            s.Http.Response.Headers.ETag = IfMatch.ETag(after.Version);
            return TypedResults.Ok(after.ToResponse());
        });
    }

    private static void Merge(FieldErrors into, params FieldErrors[] others)
    {
        foreach (var other in others)
            foreach (var (field, messages) in other.ToDictionary())
                foreach (var m in messages) into.Add(field, m);
    }
}

/// <summary>The likely duplicates of a contact; <c>reasons</c> among <c>email</c>, <c>phone</c>, <c>name</c> (a close name in the same company).</summary>
public sealed record DuplicatesResponse(IReadOnlyList<DuplicateItem> Items);

public sealed record DuplicateItem(ContactResponse Contact, IReadOnlyList<string> Reasons);
