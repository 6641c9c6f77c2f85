using System.Text;
using System.Text.Json;
using ContactSync.Api.Infrastructure;
using ContactSync.Providers.Accounts;

namespace ContactSync.Api.Webhooks;

/// <summary>
/// Microsoft Graph change notifications for Outlook connections (rule 13). Graph first checks the address with a
/// validation POST (<c>?validationToken=…</c>), which is answered by echoing the token as <c>text/plain</c>; after that
/// it POSTs <c>{"value": [notification, …]}</c>. Each notification's <c>clientState</c> names and authenticates the
/// connection (<see cref="NotificationClientState"/>): a body with any wrong state is refused with 401 and ignored
/// as a whole. A good one wakes the connection's worker through its inbox (<see cref="NotificationInbox"/>) and is
/// answered 202 at once, as Graph wants an answer within seconds. The endpoint is public: Graph sends no credentials.
/// </summary>
public static class MicrosoftWebhookApi
{
    private const int MaxValidationToken = 4096;
    private static readonly JsonDocumentOptions Parsing = new() { MaxDepth = 16 };

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/webhooks/microsoft", ReceiveMicrosoftNotifications).AllowAnonymous().WithTags("Webhooks")
            .WithName(nameof(ReceiveMicrosoftNotifications))
            .WithSummary("Microsoft Graph change notifications (the validation handshake, then notifications with their clientState)")
            .Produces<string>(200, "text/plain").Produces(202).ProducesProblem(400).ProducesProblem(401);
        return app;
    }

    public static async Task<IResult> ReceiveMicrosoftNotifications(HttpContext http, NotificationClientState states, NotificationInbox inbox,
        ILoggerFactory loggers, CancellationToken ct)
    {
        if (http.Request.Query.TryGetValue("validationToken", out var token))
        {
            var value = token.ToString();
            return value.Length is > 0 and <= MaxValidationToken
                ? TypedResults.Text(value, "text/plain", Encoding.UTF8, 200)
                : Problems.Status(400, "Bad request", $"validationToken must be 1 to {MaxValidationToken} characters.");
        }

        List<(Guid ConnectionId, string SubscriptionId)> notified = [];
        try
        {
            using var body = await JsonDocument.ParseAsync(http.Request.Body, Parsing, ct);
            if (body.RootElement.ValueKind != JsonValueKind.Object || !body.RootElement.TryGetProperty("value", out var items) || items.ValueKind != JsonValueKind.Array)
                return Problems.Status(400, "Bad request", "A change notification body is an object with a 'value' array.");
            foreach (var item in items.EnumerateArray())
            {
                var state = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("clientState", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                var subscription = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("subscriptionId", out var sub) && sub.ValueKind == JsonValueKind.String
                    ? sub.GetString() : null;
                if (!states.TryRead(state, out var connectionId) || subscription is not { Length: > 0 and <= 256 })
                {
                    Log.ForgedNotification(loggers.CreateLogger(typeof(MicrosoftWebhookApi)), http.Connection.RemoteIpAddress?.ToString());
                    return Problems.Status(401, "Unauthorized", "A notification's clientState is not one this service issued; nothing was done.");
                }
                notified.Add((connectionId.Value, subscription));
            }
        }
        catch (JsonException)
        {
            return Problems.Status(400, "Bad request", "The body is not valid JSON.");
        }

        foreach (var group in notified.GroupBy(n => n.ConnectionId))
            await inbox.NotifyAsync(group.Key, group.Last().SubscriptionId, group.Count(), ct);
        return TypedResults.Accepted((string?)null);
    }
}
