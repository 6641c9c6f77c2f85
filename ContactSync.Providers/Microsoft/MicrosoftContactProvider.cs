using ContactSync.Domain.Contacts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Contact = Microsoft.Graph.Models.Contact;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;

namespace ContactSync.Providers.Microsoft;

/// <summary>
/// Outlook contacts of one Microsoft account through the Graph SDK v5 (providers.md B). A group is a contact
/// folder; the change feed is the folder's delta query; the CRM id rides on each contact as a single-value
/// extended property; writes go out as JSON batches of 20.
/// </summary>
public sealed partial class MicrosoftContactProvider : IContactProvider, IDisposable
{
    /// <summary>A String property in a namespace of our own, so no other app collides with it.</summary>
    public const string CrmIdPropertyId = "String {7c9d6a41-3f0e-4b8e-9a53-1f2d6c4e8b90} Name contactsync.crmId";

    private static readonly string ExpandCrmId = $"singleValueExtendedProperties($filter=id eq '{CrmIdPropertyId}')";

    private readonly MicrosoftProviderOptions _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _tokenHttp;
    private readonly HttpClient _graphHttp;
    private readonly RefreshTokenAuthenticationProvider _auth;
    private readonly GraphServiceClient _client;
    private readonly GraphBatch _batch;
    private readonly ILogger _logger;

    /// <param name="refreshToken">The account's stored refresh token.</param>
    /// <param name="transport">The innermost HTTP handler (tests and the sandbox may pass their own).</param>
    /// <param name="onRefreshTokenRotated">Receives a new refresh token when the identity platform rotates it.</param>
    public MicrosoftContactProvider(
        MicrosoftProviderOptions options, string refreshToken, HttpMessageHandler? transport = null, TimeProvider? time = null,
        Func<string, CancellationToken, Task>? onRefreshTokenRotated = null, ILogger<MicrosoftContactProvider>? logger = null)
    {
        _logger = logger ?? NullLogger<MicrosoftContactProvider>.Instance;
        _options = options;
        _time = time ?? TimeProvider.System;
        _tokenHttp = transport is null ? new HttpClient() : new HttpClient(transport, disposeHandler: false);
        _auth = new RefreshTokenAuthenticationProvider(new MicrosoftTokenClient(_tokenHttp, options, _time), refreshToken, _time, onRefreshTokenRotated);
        _graphHttp = GraphPipeline.Create(options, transport, Traffic);
        _client = new GraphServiceClient(_graphHttp, _auth, options.GraphBaseUri.ToString().TrimEnd('/'));
        _batch = new GraphBatch(_client, _auth, options, _time, _logger, Traffic);
    }

    public ProviderKind Kind => ProviderKind.Microsoft;

    public ProviderTraffic Traffic { get; } = new();

    public ProviderCapabilities Capabilities { get; } =
        new(GraphBatch.MaxItems, GraphBatch.MaxItems, GraphBatch.MaxItems, MaxContacts: null, GraphContactMapping.Retainable);

    /// <summary>The current refresh token (it changes when the identity platform rotates it).</summary>
    public string RefreshToken => _auth.RefreshToken;

    /// <summary>The folders under the default Contacts folder, with their contact counts (one <c>$count</c> query
    /// per folder, batched; a folder whose count cannot be read gets null).</summary>
    public async Task<IReadOnlyList<ProviderGroup>> ListGroupsAsync(CancellationToken ct)
    {
        var folders = await ListFoldersAsync(ct);
        var counts = await _batch.SendAsync(folders.Select(f => new BatchItem(() =>
            _client.Me.ContactFolders[f.Id].Contacts.ToGetRequestInformation(r =>
            {
                r.QueryParameters.Count = true;
                r.QueryParameters.Top = 1;
                r.QueryParameters.Select = ["id"];
            }))).ToList(), ct);
        return folders.Select((f, i) => f with { MemberCount = counts[i].ReadCount() }).ToList();
    }

    private async Task<List<ProviderGroup>> ListFoldersAsync(CancellationToken ct)
    {
        var groups = new List<ProviderGroup>();
        var page = await CallAsync(c => _client.Me.ContactFolders.GetAsync(r => r.QueryParameters.Top = 100, c), ct);
        while (page is not null)
        {
            groups.AddRange((page.Value ?? []).Select(f => new ProviderGroup(f.Id!, f.DisplayName ?? "", null)));
            if (page.OdataNextLink is not { } next) break;
            page = await CallAsync(c => _client.Me.ContactFolders.WithUrl(next).GetAsync(cancellationToken: c), ct);
        }
        return groups;
    }

    public async Task<ProviderGroup> EnsureGroupAsync(string name, CancellationToken ct)
    {
        if (await FindGroupAsync(name, ct) is { } existing) return existing;
        try
        {
            var created = await CallAsync(c => _client.Me.ContactFolders.PostAsync(new ContactFolder { DisplayName = name }, cancellationToken: c), ct);
            return new ProviderGroup(created!.Id!, created.DisplayName ?? name, 0);
        }
        catch (ODataError e) when (e.ResponseStatusCode == 409)
        {
            // Created concurrently by someone else (ErrorFolderExists): use theirs.
            if (await FindGroupAsync(name, ct) is { } theirs) return theirs;
            throw;
        }
    }

    public async Task<IReadOnlyList<ProviderContact>> GetAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        var found = await GetByIdsAsync(ids, ct);
        return ids.Where(found.ContainsKey).Select(id => ToProviderContact(found[id], null)).ToList();
    }

    public Task<ProviderContact?> FindByCrmIdAsync(string groupId, string crmId, CancellationToken ct) =>
        FindTaggedAsync(groupId, crmId, ct);

    /// <summary>The contact tagged with <paramref name="crmId"/> in a folder (null: the default Contacts folder).</summary>
    private async Task<ProviderContact?> FindTaggedAsync(string? folderId, string crmId, CancellationToken ct)
    {
        var filter = $"singleValueExtendedProperties/Any(ep: ep/id eq '{CrmIdPropertyId}' and ep/value eq '{crmId.Replace("'", "''")}')";
        var page = folderId is null
            ? await CallAsync(c => _client.Me.Contacts.GetAsync(r =>
            {
                r.QueryParameters.Filter = filter;
                r.QueryParameters.Expand = [ExpandCrmId];
                r.QueryParameters.Top = 2;
            }, c), ct)
            : await CallAsync(c => _client.Me.ContactFolders[folderId].Contacts.GetAsync(r =>
            {
                r.QueryParameters.Filter = filter;
                r.QueryParameters.Expand = [ExpandCrmId];
                r.QueryParameters.Top = 2;
            }, c), ct);
        return page?.Value?.FirstOrDefault() is { } contact ? ToProviderContact(contact, null) : null;
    }

    public void Dispose()
    {
        _graphHttp.Dispose();
        _tokenHttp.Dispose();
    }

    private async Task<ProviderGroup?> FindGroupAsync(string name, CancellationToken ct) =>
        (await ListFoldersAsync(ct)).FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Full contacts (every property plus the CRM id) by id through batched GETs; missing ones are left out.</summary>
    private async Task<Dictionary<string, Contact>> GetByIdsAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        var results = await _batch.SendAsync(distinct.Select(id => new BatchItem(() =>
            _client.Me.Contacts[id].ToGetRequestInformation(r => r.QueryParameters.Expand = [ExpandCrmId]))).ToList(), ct);
        var found = new Dictionary<string, Contact>(StringComparer.Ordinal);
        for (var i = 0; i < distinct.Count; i++)
        {
            var r = results[i];
            if (r.Status == 404) continue;
            if (!r.Succeeded) throw Failure(r);
            if (await r.ReadContactAsync(ct) is { } contact) found[distinct[i]] = contact;
        }
        return found;
    }

    private ProviderContact ToProviderContact(Contact c, string? knownCrmId)
    {
        var etag = c.AdditionalData.TryGetValue("@odata.etag", out var e) && e is string s ? s : $"W/\"{c.ChangeKey}\"";
        var crmId = c.SingleValueExtendedProperties?
            .FirstOrDefault(p => string.Equals(p.Id, CrmIdPropertyId, StringComparison.OrdinalIgnoreCase))?.Value ?? knownCrmId;
        return new ProviderContact(c.Id!, etag, GraphContactMapping.FromGraph(c), crmId,
            c.ParentFolderId is { } folder ? [folder] : [], c.LastModifiedDateTime);
    }

    /// <summary>Runs one SDK call; a 401 gets one more try with a fresh token, and failures that outlasted
    /// the pipeline's retries become the typed provider exceptions.</summary>
    private async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call(ct);
            }
            catch (ApiException e) when (e.ResponseStatusCode == 401 && attempt == 0)
            {
                Log.TokenRejected(_logger);
                _auth.Invalidate(_auth.CurrentAccessToken);
            }
            catch (Exception e) when (GraphErrors.Map(e, ct) is var mapped && !ReferenceEquals(mapped, e))
            {
                throw mapped;
            }
        }
    }

    private static ProviderException Failure(BatchResult r)
    {
        var (code, message) = r.ReadError();
        var text = $"Microsoft Graph answered {r.Status} {code}: {message}";
        return r.Status switch
        {
            429 => new ProviderThrottledException(text, r.RetryAfter ?? TimeSpan.FromSeconds(5)),
            401 or 403 => new ReauthRequiredException(text),
            _ => new ProviderUnavailableException(text),
        };
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Microsoft Graph rejected the access token; refreshing it once")]
        public static partial void TokenRejected(ILogger logger);
    }
}
