using System.Globalization;
using ContactSync.Api.Auth;
using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Validation;
using ContactSync.Providers.Streams;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactSync.Api.Contacts;

/// <summary>
/// A contact's past, read from its stream (authoritative, never a read model): the history of changes and the
/// state at a past moment. Both need the contact to be visible to the caller now.
/// </summary>
public static class ContactHistoryApi
{
    public static IEndpointRouteBuilder MapContactHistoryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/contacts/{id:guid}/history", GetContactHistory).WithTags("Contacts").RequireUser().WithStandardProblems()
            .WithName(nameof(GetContactHistory)).WithSummary("The history of a contact")
            .WithDescription("Every event of the contact, oldest first, with actor, time and field-level changes. Paging: limit, cursor.")
            .ProducesValidation();
        return app;
    }

    public static async Task<Results<Ok<Page<HistoryEntry>>, ProblemHttpResult>> GetContactHistory(
        Guid id, string? limit, string? cursor, Caller caller, [AsParameters] ContactServices s, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var take = Paging.Limit(limit, errors);
        var from = Paging.NumberCursor(cursor, "h", errors) ?? 0;
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());
        var (state, recorded) = await s.LoadAsync(id, ct);
        if (!await s.Directory.CanSeeAsync(caller.Viewer, state, ct)) return Problems.NotFound("The contact does not exist or is not visible to you.");
        var page = recorded.Where(e => (long)e.Revision.Value >= from).Take(take + 1).ToList();
        var items = page.Take(take).Select(e => HistoryEntry.From(e.Position, (long)e.Revision.Value, e.Type,
            (ContactEvent)Domain.Serialization.DomainJson.Deserialize(e.Type, e.Data.Span))).ToList();
        var next = page.Count > take ? Paging.Cursor("h", (items[^1].Version + 1).ToString(CultureInfo.InvariantCulture)) : null;
        return TypedResults.Ok(new Page<HistoryEntry>(items, next));
    }

    /// <summary>The contact as it was at <paramref name="asOf"/>; null when it did not exist then or is not visible.</summary>
    internal static async Task<Contact?> AsOfAsync(ContactServices s, Caller caller, Guid id, DateTimeOffset asOf, bool includeDeleted, CancellationToken ct)
    {
        var (state, recorded) = await s.LoadAsync(id, ct);
        if (!await s.Directory.CanSeeAsync(caller.Viewer, state, ct)) return null;
        var then = Contact.Fold(EventStreams.Domain<ContactEvent>(recorded).Where(e => e.At <= asOf));
        return then.Exists && (includeDeleted || !then.Deleted) ? then : null;
    }
}

/// <summary>One entry of a contact's history or of the audit log.</summary>
public sealed record HistoryEntry(string Position, long Version, string Type, DateTimeOffset At, ActorResponse Actor, IReadOnlyList<FieldChange> Changes)
{
    public static HistoryEntry From(EventStore.Position position, long version, string type, ContactEvent e) =>
        new(LogPosition.Format(position), version, type, e.At, ActorResponse.From(e.Actor), ContactHistory.ChangesOf(e));
}

public sealed record ActorResponse(string Kind, string Id, string Name)
{
    public static ActorResponse From(Actor actor) => new(actor.Kind switch
    {
        ActorKind.User => "user",
        ActorKind.Connection => "connection",
        _ => "system",
    }, actor.Id, actor.Name);
}
