using System.Net;
using System.Text.Json;
using ContactSync.Providers.Google.Api;
using Google;
using Google.Apis.Auth.OAuth2.Responses;
using Google.Apis.Http;
using Google.Apis.Requests;
using Google.Apis.Services;
using Google.Apis.Util;

namespace ContactSync.Providers.Google;

/// <summary>
/// One Google account behind <see cref="IContactProvider"/>: a contact group is the sync group, and the change
/// feed is the account-wide connections.list (sync tokens) filtered to the group. Every call goes through
/// the real Google.Apis client; transient failures are retried below it (<see cref="TransientRetryHandler"/>).
/// </summary>
public sealed partial class GoogleContactProvider : IContactProvider, IDisposable
{
    private const int PageSize = 1000;
    private readonly PeopleService _service;
    private readonly GoogleOAuth _oauth;

    /// <param name="oauth">The OAuth client (shared by all accounts).</param>
    /// <param name="refreshToken">The account's stored refresh token.</param>
    public GoogleContactProvider(GoogleOAuth oauth, string refreshToken)
    {
        _oauth = oauth;
        _service = new PeopleService(new BaseClientService.Initializer
        {
            HttpClientInitializer = oauth.Credential(refreshToken),
            BaseUri = oauth.Options.ApiBaseUri.ToString(),
            ApplicationName = "ContactSync",
            HttpClientFactory = new RetryingHttpClientFactory(oauth.Options, oauth.Logger, Traffic),
            // Retries live in TransientRetryHandler (429 and Retry-After included); the default 503-only back-off is off.
            DefaultExponentialBackOffPolicy = ExponentialBackOffPolicy.None,
        });
    }

    public ProviderKind Kind => ProviderKind.Google;

    public ProviderTraffic Traffic { get; } = new();

    /// <summary>Releases the account's HTTP connections.</summary>
    public void Dispose() => _service.Dispose();

    public ProviderCapabilities Capabilities => GoogleCapabilities.Capabilities;

    public async Task<IReadOnlyList<ProviderGroup>> ListGroupsAsync(CancellationToken ct)
    {
        var groups = new List<ProviderGroup>();
        string? pageToken = null;
        do
        {
            var page = await Run(new ListContactGroupsRequest(_service) { PageSize = PageSize, PageToken = pageToken, GroupFields = "groupType,memberCount,name" }, ct);
            groups.AddRange((page.ContactGroups ?? [])
                .Where(g => g.GroupType == "USER_CONTACT_GROUP" && g.ResourceName is not null)
                .Select(g => new ProviderGroup(g.ResourceName!, g.Name ?? g.FormattedName ?? "", g.MemberCount ?? 0)));
            pageToken = page.NextPageToken;
        } while (pageToken is not null);
        return groups;
    }

    public async Task<ProviderGroup> EnsureGroupAsync(string name, CancellationToken ct)
    {
        if (await FindGroupAsync(name, ct) is { } existing) return existing;
        try
        {
            var created = await Run(new CreateContactGroupRequest(_service, new CreateContactGroupRequestBody { ContactGroup = new ContactGroup { Name = name } }), ct);
            return new ProviderGroup(created.ResourceName!, created.Name ?? name, 0);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.Conflict)
        {
            // Created meanwhile (or by a retried request whose answer was lost): use it.
            return await FindGroupAsync(name, ct) ?? throw new ProviderConflictException($"Google reports group '{name}' exists but does not list it.", e);
        }
    }

    private async Task<ProviderGroup?> FindGroupAsync(string name, CancellationToken ct) =>
        (await ListGroupsAsync(ct)).FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase));

    public async Task<ChangePage> GetChangesAsync(string groupId, string? cursor, CancellationToken ct)
    {
        var position = GoogleCursor.Parse(cursor);
        var group = GroupName(groupId);
        ListConnectionsResponse page;
        try
        {
            page = await Run(new ListConnectionsRequest(_service, "people/me")
            {
                PersonFields = PersonMapping.ReadFields, PageSize = PageSize, RequestSyncToken = true,
                SyncToken = position.SyncToken, PageToken = position.PageToken,
            }, ct);
        }
        catch (GoogleApiException e) when (IsExpiredSyncToken(e))
        {
            throw new CursorExpiredException("The Google sync token expired; run a full sync.", e);
        }

        var upserts = new List<ProviderContact>();
        var removals = new List<ProviderRemoval>();
        foreach (var person in page.Connections ?? [])
        {
            if (person.ResourceName is null) continue;
            if (person.Metadata?.Deleted == true) removals.Add(new ProviderRemoval(person.ResourceName, RemovalReason.Deleted));
            else if (IsMember(person, group)) upserts.Add(ToContact(person));
            else if (!position.IsFullSync) removals.Add(new ProviderRemoval(person.ResourceName, RemovalReason.LeftGroup));
        }
        if (page.NextPageToken is null && page.NextSyncToken is null)
            throw new ProviderUnavailableException("Google ended a listing without a sync token.");
        var next = GoogleCursor.Next(position, page.NextPageToken, page.NextSyncToken ?? "");
        return new ChangePage(upserts, removals, next.ToString(), page.NextPageToken is not null, position.IsFullSync);
    }

    public async Task<IReadOnlyList<ProviderContact>> GetAsync(IReadOnlyList<string> ids, CancellationToken ct) =>
        (await GetPeopleAsync(ids, ct)).Values.Select(ToContact).ToList();

    public async Task<ProviderContact?> FindByCrmIdAsync(string groupId, string crmId, CancellationToken ct)
    {
        var found = await FindByCrmIdsAsync(new HashSet<string>(StringComparer.Ordinal) { crmId }, ct);
        return found.TryGetValue(crmId, out var person) ? ToContact(person) : null;
    }

    public async Task<IReadOnlyDictionary<string, ProviderContact>> FindByCrmIdsAsync(string groupId, IReadOnlyCollection<string> crmIds, CancellationToken ct)
    {
        if (crmIds.Count == 0) return new Dictionary<string, ProviderContact>();
        var found = await FindByCrmIdsAsync(crmIds.ToHashSet(StringComparer.Ordinal), ct);
        return found.ToDictionary(f => f.Key, f => ToContact(f.Value), StringComparer.Ordinal);
    }

    /// <summary>Scans the whole account (not only the group: a contact that left the group still carries its
    /// CRM id, and creating a twin is what rule 8 forbids).</summary>
    private async Task<Dictionary<string, Person>> FindByCrmIdsAsync(IReadOnlySet<string> crmIds, CancellationToken ct)
    {
        var found = new Dictionary<string, Person>(StringComparer.Ordinal);
        string? pageToken = null;
        do
        {
            var page = await Run(new ListConnectionsRequest(_service, "people/me") { PersonFields = PersonMapping.ReadFields, PageSize = PageSize, PageToken = pageToken }, ct);
            foreach (var person in page.Connections ?? [])
                if (PersonMapping.CrmId(person) is { } id && crmIds.Contains(id)) found.TryAdd(id, person);
            pageToken = page.NextPageToken;
        } while (pageToken is not null && found.Count < crmIds.Count);
        return found;
    }

    private async Task<Dictionary<string, Person>> GetPeopleAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        var people = new Dictionary<string, Person>(StringComparer.Ordinal);
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(200))
        {
            var response = await Run(new GetBatchGetRequest(_service) { ResourceNames = new Repeatable<string>(chunk), PersonFields = PersonMapping.ReadFields }, ct);
            foreach (var item in response.Responses ?? [])
                if (item.Person?.ResourceName is { } name) people[name] = item.Person;
        }
        return people;
    }

    /// <summary>Executes a request; a revoked or expired grant becomes <see cref="ReauthRequiredException"/>.</summary>
    private static async Task<T> Run<T>(ClientServiceRequest<T> request, CancellationToken ct)
    {
        try
        {
            return await request.ExecuteAsync(ct);
        }
        catch (TokenResponseException e) when (e.Error?.Error is "invalid_grant" or "unauthorized_client")
        {
            throw new ReauthRequiredException("Google no longer accepts this account's grant; the user must sign in again.", e);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.Unauthorized)
        {
            throw new ReauthRequiredException("Google refused the account's credentials; the user must sign in again.", e);
        }
    }

    internal static ProviderContact ToContact(Person p) => new(
        p.ResourceName!, p.ETag ?? "", PersonMapping.ToFields(p), PersonMapping.CrmId(p),
        (p.Memberships ?? []).Select(m => m.ContactGroupMembership?.ContactGroupResourceName).OfType<string>().ToList(),
        DateTimeOffset.TryParse(p.Metadata?.Sources?.FirstOrDefault()?.UpdateTime, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var updated) ? updated : null);

    private static bool IsMember(Person p, string group) =>
        p.Memberships?.Any(m => m.ContactGroupMembership?.ContactGroupResourceName == group) == true;

    private static string GroupName(string groupId) =>
        groupId.StartsWith("contactGroups/", StringComparison.Ordinal) ? groupId : "contactGroups/" + groupId;

    /// <summary>Google answers an expired sync token with 400 and ErrorInfo reason EXPIRED_SYNC_TOKEN (its status
    /// string varies); older documentation said 410, which some deployments may still send.</summary>
    private static bool IsExpiredSyncToken(GoogleApiException e) =>
        e.HttpStatusCode == HttpStatusCode.Gone || (e.HttpStatusCode == HttpStatusCode.BadRequest && Reason(e) == "EXPIRED_SYNC_TOKEN");

    /// <summary>The ErrorInfo reason of a Google error; Google.Apis keeps only the raw body for it.</summary>
    internal static string? Reason(GoogleApiException e) => ErrorFields(e).Reason;

    /// <summary>The google.rpc status name (FAILED_PRECONDITION…) of a Google error.</summary>
    internal static string? Status(GoogleApiException e) => ErrorFields(e).Status;

    private static (string? Status, string? Reason) ErrorFields(GoogleApiException e)
    {
        if (e.Error?.ErrorResponseContent is not { Length: > 0 } body) return (null, null);
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object) return (null, null);
            var status = error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
                foreach (var detail in details.EnumerateArray())
                    if (detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("reason", out var reason))
                        return (status, reason.GetString());
            return (status, null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
