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
/// planner the first sync runs. Only reads: the CRM contacts in scope that the caller may see, the contacts other users
/// own that share a key with a provider contact (for rule 15's warning), and the provider group through the adapter (an
/// existing group by id; for a new group, the group of that name the first sync would bind to, if there is one).
/// No event is appended and nothing is written at the provider.
/// </summary>
/// <remarks>
/// Bounded: the planner needs every in-scope contact (to link by e-mail) and every contact of the group, so each side is
/// read up to <see cref="MaxContacts"/>; past that the preview answers 422 instead of a plan over part of the data, whose
/// counts would be wrong in both directions (a link missed is an import and a create too). That is four times the
/// largest provider account (Google's 25,000), so any scope a sync can carry fits. The duplicate candidates are at most
/// <see cref="MaxDuplicateCandidates"/>, found in SQL by shared key; each kind answers its full count and up to
/// <see cref="Samples"/> contacts. One preview per user at a time (<see cref="PreviewGate"/>): a second one answers 429.
/// </remarks>
public static class ConnectionPreview
{
    public const int Samples = 20;

    /// <summary>The most contacts a preview reads on either side (the CRM scope, the provider group).</summary>
    public const int MaxContacts = 100_000;

    /// <summary>The most contacts of other users a preview compares the imports with (rule 15).</summary>
    public const int MaxDuplicateCandidates = 20_000;

    /// <summary>What a refused concurrent preview tells the client to wait: previews take seconds.</summary>
    private const int RetryAfterSeconds = 5;

    public static async Task<Results<Ok<PreviewResponse>, ProblemHttpResult>> PreviewConnection(
        JsonElement body, Caller caller, [AsParameters] ConnectionServices s, ContactReads contacts, PreviewGate gate, CancellationToken ct)
    {
        using var lease = gate.TryEnter(caller);
        if (lease is null)
        {
            s.Http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Status(StatusCodes.Status429TooManyRequests, "Too many requests",
                "A preview of yours is still running; one preview per user runs at a time. Retry after the time in Retry-After.",
                "connection.preview-running");
        }

        var (resolved, problem) = await ConnectionsApi.ResolveAsync(body, caller, s, ct);
        if (problem is not null) return problem;
        var (request, _, group, settings) = resolved!;

        var (side, refused) = await s.AskProviderAsync(caller, request.AccountId, p => ReadProviderAsync(p, group, ct), ct);
        if (refused is not null) return refused;
        var (capabilities, provider, boundGroupId) = side!;
        if (provider.Count > MaxContacts)
            return Problems.Validation("group", $"The group holds more than {MaxContacts:N0} contacts; a preview plans at most {MaxContacts:N0} on each side.");

        // ListAsync reads one more than the limit, which tells a scope over the maximum from one exactly at it.
        var inScope = await contacts.ListAsync(caller, request.Scope == ConnectionScope.List
            ? new ContactReads.Query(null, null, null, request.ListId, false, null, MaxContacts)
            : new ContactReads.Query(null, null, caller.UserId, null, false, null, MaxContacts), ct);
        if (inScope.Count > MaxContacts)
            return Problems.Validation("scope", $"The scope holds more than {MaxContacts:N0} contacts; a preview plans at most {MaxContacts:N0} on each side. Narrow the list.");

        var others = settings.PullsFromProvider && provider.Count > 0
            ? await contacts.OthersSharingKeysAsync(caller,
                [.. provider.SelectMany(p => MatchKeys.EmailKeys(p.Fields)).Distinct(StringComparer.Ordinal)],
                [.. provider.SelectMany(p => MatchKeys.PhoneKeys(p.Fields)).Distinct(StringComparer.Ordinal)],
                [.. provider.Select(p => p.Fields.Company).OfType<string>().Distinct(StringComparer.Ordinal)],
                MaxDuplicateCandidates, ct)
            : [];

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

    /// <summary>The group's contacts, up to one more than <see cref="MaxContacts"/> (the caller refuses a bigger group).</summary>
    private static async Task<ProviderSide> ReadProviderAsync(IContactProvider provider, Domain.Connections.GroupRef group, CancellationToken ct)
    {
        // A new group's name binds to an existing group of that name (as the adapter's EnsureGroup does), so read that one.
        var groupId = group.Id ?? (await provider.ListGroupsAsync(ct)).FirstOrDefault(g => string.Equals(g.Name, group.Name, StringComparison.OrdinalIgnoreCase))?.Id;
        var contacts = new Dictionary<string, PlanProviderContact>(StringComparer.Ordinal);
        if (groupId is null) return new ProviderSide(provider.Capabilities, [], null);
        string? cursor = null;
        while (true)
        {
            var page = await provider.GetChangesAsync(groupId, cursor, ct);
            foreach (var u in page.Upserts) contacts.TryAdd(u.Id, new PlanProviderContact(u.Id, u.Fields, u.CrmId));
            if (!page.HasMore || contacts.Count > MaxContacts) return new ProviderSide(provider.Capabilities, [.. contacts.Values], groupId);
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
