using System.Globalization;
using System.Text.Json;
using ContactSync.Sandbox.Graph.Http;
using ContactSync.Sandbox.Graph.Store;
using Microsoft.Extensions.Options;

namespace ContactSync.Sandbox.Graph.Subscriptions;

/// <summary>
/// <c>/subscriptions</c> for contact resources (providers.md B7). Creating one runs the validation handshake
/// against the notification URL first. Plain http URLs are accepted so that local receivers work; real Graph
/// demands https. <c>me/contacts</c> watches every folder of the mailbox (unconfirmed: a superset is the safe
/// choice, since a notification only triggers a delta pull).
/// </summary>
public sealed class SubscriptionsHandler(
    SubscriptionRegistry registry, IHttpClientFactory httpClients, TimeProvider time, IOptions<GraphEmulatorOptions> options)
{
    // The older v1.0 limit for Outlook contacts; the newer docs allow 10,080 minutes. The stricter one is enforced.
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(4230);
    private static readonly HashSet<string> ChangeTypes = ["created", "updated", "deleted"];

    public async Task<GraphResponse> CreateAsync(GraphRequest req, CancellationToken ct)
    {
        if (req.Body is not { ValueKind: JsonValueKind.Object } body) return GraphResponse.BadRequest("Empty Payload. JSON content expected.", "BadRequest");
        string? Str(string name) => body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        var changeTypes = (Str("changeType") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        if (changeTypes.Count == 0 || !changeTypes.IsSubsetOf(ChangeTypes))
            return GraphResponse.BadRequest("Invalid 'changeType' attribute.", "ValidationError");
        if (!IsAbsolute(Str("notificationUrl"), out var notificationUrl))
            return GraphResponse.BadRequest("Invalid 'notificationUrl' attribute.", "ValidationError");
        var lifecycle = Str("lifecycleNotificationUrl");
        if (lifecycle is not null && !IsAbsolute(lifecycle, out _))
            return GraphResponse.BadRequest("Invalid 'lifecycleNotificationUrl' attribute.", "ValidationError");
        if (ParseResource(Str("resource"), req.Caller) is not { } scope)
            return GraphResponse.BadRequest("Resource not supported or not found.", "ExtensionError");
        if (ParseExpiration(Str("expirationDateTime")) is { } invalid) return invalid;
        var clientState = Str("clientState");
        if (clientState is { Length: > 128 }) return GraphResponse.BadRequest("clientState is longer than 128 characters.", "ValidationError");

        if (!await ValidatesAsync(notificationUrl!, ct) || (lifecycle is not null && !await ValidatesAsync(lifecycle, ct)))
            return GraphResponse.BadRequest(
                "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.", "ValidationError");

        var subscription = new Subscription(Guid.NewGuid().ToString(), req.Caller.Id, Str("resource")!, scope.FolderId, changeTypes,
            notificationUrl!, lifecycle, clientState, DateTimeOffset.Parse(Str("expirationDateTime")!, CultureInfo.InvariantCulture));
        registry.Add(subscription);
        return Single(req, subscription, 201);
    }

    public GraphResponse Get(GraphRequest req, string id) =>
        registry.Find(req.Caller.Id, id) is { } s ? Single(req, s, 200) : NotFound();

    public GraphResponse Update(GraphRequest req, string id)
    {
        if (registry.Find(req.Caller.Id, id) is not { } s) return NotFound();
        var expiration = req.Body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("expirationDateTime", out var e) &&
                         e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        if (ParseExpiration(expiration) is { } invalid) return invalid;
        s = s with { Expiration = DateTimeOffset.Parse(expiration!, CultureInfo.InvariantCulture) };
        registry.Replace(s);
        return Single(req, s, 200);
    }

    public GraphResponse Delete(GraphRequest req, string id) =>
        registry.Remove(req.Caller.Id, id) ? GraphResponse.NoContent : NotFound();

    private static GraphResponse NotFound() => GraphResponse.Error(404, "ResourceNotFound", "The object was not found.");

    private GraphResponse? ParseExpiration(string? value)
    {
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            return GraphResponse.BadRequest("Invalid 'expirationDateTime' attribute.", "ValidationError");
        var now = time.GetUtcNow();
        if (when <= now) return GraphResponse.BadRequest("Subscription expiration can only be in the future.", "ValidationError");
        if (when > now + MaxLifetime)
            return GraphResponse.BadRequest($"Subscription expiration can only be {MaxLifetime.TotalMinutes} minutes in the future.", "ValidationError");
        return null;
    }

    private sealed record Scope(string? FolderId);

    private static Scope? ParseResource(string? resource, Mailbox caller)
    {
        var parts = (resource ?? "").Trim('/').Split('/');
        var i = 0;
        if (parts.Length > 0 && parts[0].Equals("me", StringComparison.OrdinalIgnoreCase)) i = 1;
        else if (parts.Length > 1 && parts[0].Equals("users", StringComparison.OrdinalIgnoreCase) &&
                 (parts[1] == caller.Id || parts[1].Equals(caller.Email, StringComparison.OrdinalIgnoreCase))) i = 2;
        else return null;
        var rest = parts[i..];
        if (rest is [var c] && c.Equals("contacts", StringComparison.OrdinalIgnoreCase)) return new Scope(null);
        if (rest is [var f, var folderId, var c2] && f.Equals("contactFolders", StringComparison.OrdinalIgnoreCase) &&
            c2.Equals("contacts", StringComparison.OrdinalIgnoreCase) && caller.GetFolder(folderId) is not null)
            return new Scope(folderId);
        return null;
    }

    private static bool IsAbsolute(string? url, out string? value)
    {
        value = url;
        return Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp);
    }

    /// <summary>POST {url}?validationToken=… (text/plain); the endpoint must echo the token with 200 text/plain
    /// within the configured timeout (10 s in Graph).</summary>
    private async Task<bool> ValidatesAsync(string url, CancellationToken ct)
    {
        var token = $"Validation: Testing client application reachability for subscription Request-Id: {Guid.NewGuid()}";
        var target = url + (url.Contains('?') ? "&" : "?") + "validationToken=" + Uri.EscapeDataString(token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.ValidationTimeout);
        try
        {
            using var content = new StringContent("", System.Text.Encoding.UTF8, "text/plain");
            using var response = await httpClients.CreateClient(NotificationDelivery.HttpClientName).PostAsync(target, content, timeout.Token);
            if (response.StatusCode != System.Net.HttpStatusCode.OK) return false;
            if (response.Content.Headers.ContentType?.MediaType != "text/plain") return false;
            return await response.Content.ReadAsStringAsync(timeout.Token) == token;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return false;
        }
    }

    private static GraphResponse Single(GraphRequest req, Subscription s, int status) => GraphResponse.Json(status, w =>
    {
        w.WriteStartObject();
        w.WriteString("@odata.context", $"{req.BaseUrl}/$metadata#subscriptions/$entity");
        w.WriteString("id", s.Id);
        w.WriteString("resource", s.Resource);
        w.WriteString("applicationId", "00000000-0000-0000-0000-000000000000");
        w.WriteString("changeType", string.Join(',', s.ChangeTypes));
        w.WriteString("clientState", s.ClientState);
        w.WriteString("notificationUrl", s.NotificationUrl);
        w.WriteString("lifecycleNotificationUrl", s.LifecycleNotificationUrl);
        w.WriteString("expirationDateTime", s.Expiration.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff'Z'"));
        w.WriteString("creatorId", s.MailboxId);
        w.WriteString("latestSupportedTlsVersion", "v1_2");
        w.WriteEndObject();
    });
}
