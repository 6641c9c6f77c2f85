using System.Text.Json;
using ContactSync.Api.Auth;
using ContactSync.Api.Contacts;
using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Sync;
using ContactSync.Providers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactSync.Api.Connections;

/// <summary>
/// <c>POST /api/connections/preview</c>: what the first sync of a connection with this body would do, from the same
/// planner the first sync runs. Only reads: the CRM contacts in scope that the caller may see, the contacts the
/// caller may see that other users own (for rule 15's warning), and the provider group through the adapter (an
/// existing group by id; for a new group, the group of that name the first sync would bind to, if there is one).
/// No event is appended and nothing is written at the provider.
/// </summary>
public static class ConnectionPreview
{
    public const int Samples = 20;
    private const int AllRows = 10_000_000;

    public static async Task<Results<Ok<PreviewResponse>, ProblemHttpResult>> PreviewConnection(
        JsonElement body, Caller caller, [AsParameters] ConnectionServices s, ContactReads contacts, CancellationToken ct)
    {
        var (resolved, problem) = await ConnectionsApi.ResolveAsync(body, caller, s, ct);
        if (problem is not null) return problem;
        var (request, _, group, settings) = resolved!;

        var (side, refused) = await s.AskProviderAsync(caller, request.AccountId, p => ReadProviderAsync(p, group, ct), ct);
        if (refused is not null) return refused;
        var (capabilities, provider, boundGroupId) = side!;

        var visible = await contacts.ListAsync(caller, new ContactReads.Query(null, null, null, null, false, null, AllRows), ct);
        var inScope = request.Scope == ConnectionScope.List
            ? await contacts.ListAsync(caller, new ContactReads.Query(null, null, null, request.ListId, false, null, AllRows), ct)
            : [.. visible.Where(c => c.OwnerId == caller.UserId)];
        var others = visible.Where(c => c.OwnerId != caller.UserId).ToList();

        var plan = SyncPlanner.Plan(new PlannerInputs(inScope, provider, new Dictionary<Guid, ContactLink>(), settings, FirstSync: true,
            capabilities.MaxContacts, provider.Count, capabilities.Retainable, others));
        var crm = inScope.ToDictionary(c => c.Id);
        var remote = provider.ToDictionary(p => p.Id, StringComparer.Ordinal);
        return TypedResults.Ok(new PreviewResponse(
            Kind(plan.ToCreateInProvider, id => new PreviewContact(id, null, NameOf(crm[id].Fields), FirstEmail(crm[id].Fields), null)),
            Kind(plan.ToImport, p => new PreviewContact(null, p.Id, NameOf(p.Fields), FirstEmail(p.Fields), null)),
            Kind(plan.ToLink, l => new PreviewContact(l.ContactId, l.ProviderId, NameOf(crm[l.ContactId].Fields), FirstEmail(remote[l.ProviderId].Fields),
                Domain.Common.WireNames<LinkReason>.ToName(l.Reason))),
            Kind(plan.ToDeleteInProvider, r => new PreviewContact(r.ContactId, r.ProviderId, null, null, null)),
            new PreviewGroup(group.Id ?? boundGroupId, group.Name, group.Id is null && boundGroupId is null),
            [.. plan.Warnings.Select(PreviewWarning.From)]));
    }

    private sealed record ProviderSide(ProviderCapabilities Capabilities, List<PlanProviderContact> Contacts, string? BoundGroupId);

    private static async Task<ProviderSide> ReadProviderAsync(IContactProvider provider, Domain.Connections.GroupRef group, CancellationToken ct)
    {
        // A new group's name binds to an existing group of that name (as the adapter's EnsureGroup does), so read that one.
        var groupId = group.Id ?? (await provider.ListGroupsAsync(ct)).FirstOrDefault(g => string.Equals(g.Name, group.Name, StringComparison.OrdinalIgnoreCase))?.Id;
        var contacts = new List<PlanProviderContact>();
        if (groupId is null) return new ProviderSide(provider.Capabilities, contacts, null);
        string? cursor = null;
        while (true)
        {
            var page = await provider.GetChangesAsync(groupId, cursor, ct);
            contacts.AddRange(page.Upserts.Select(u => new PlanProviderContact(u.Id, u.Fields, u.CrmId)));
            if (!page.HasMore) return new ProviderSide(provider.Capabilities, [.. contacts.DistinctBy(c => c.Id)], groupId);
            cursor = page.Cursor;
        }
    }

    private static PreviewKind Kind<T>(IReadOnlyList<T> items, Func<T, PreviewContact> sample) =>
        new(items.Count, [.. items.Take(Samples).Select(sample)]);

    private static string? NameOf(ContactFields f) =>
        f.Name.Display ?? (string.Join(' ', new[] { f.Name.Given, f.Name.Family }.Where(p => !string.IsNullOrEmpty(p))) is { Length: > 0 } n ? n : f.Company);

    private static string? FirstEmail(ContactFields f) => f.Emails.Count > 0 ? f.Emails[0].Value : null;
}

public sealed record PreviewResponse(
    PreviewKind ToCreateInProvider, PreviewKind ToImport, PreviewKind ToLink, PreviewKind ToDeleteInProvider, PreviewGroup Group,
    IReadOnlyList<PreviewWarning> Warnings);

/// <summary>How many contacts a kind of step touches and up to 20 of them.</summary>
public sealed record PreviewKind(int Count, IReadOnlyList<PreviewContact> Samples);

/// <param name="Reason">For a link: <c>crm-id-tag</c> or <c>email</c>.</param>
public sealed record PreviewContact(Guid? ContactId, string? ProviderId, string? Name, string? Email, string? Reason);

/// <param name="New">True when the first sync will create the group.</param>
public sealed record PreviewGroup(string? Id, string Name, bool New);

/// <param name="Count">How many contacts the warning is about.</param>
/// <param name="Fields">For <c>values-not-held</c>: the fields the provider cannot hold.</param>
/// <param name="Duplicates">For <c>likely-duplicates</c>: up to 20 pairs (provider contact, the other user's CRM contact, why).</param>
public sealed record PreviewWarning(string Code, string Message, int Count, IReadOnlyList<string>? Fields, IReadOnlyList<PreviewDuplicate>? Duplicates)
{
    public static PreviewWarning From(PlanWarning w) => w switch
    {
        PlanWarning.CapReached c => new(w.Code, w.Message, c.NotFitting, null, null),
        PlanWarning.ValuesNotHeld v => new(w.Code, w.Message, v.Contacts, v.Fields, null),
        PlanWarning.LikelyDuplicates d => new(w.Code, w.Message, d.Count, null,
            [.. d.Samples.Select(x => new PreviewDuplicate(x.ProviderId, x.ContactId, x.OwnerId, Domain.Common.WireNames<DuplicateReason>.ToName(x.Reason)))]),
        _ => new(w.Code, w.Message, 0, null, null),
    };
}

public sealed record PreviewDuplicate(string ProviderId, Guid ContactId, Guid OwnerId, string Reason);
