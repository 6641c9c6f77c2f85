using System.Net.Http.Headers;

namespace ContactSync.Sandbox.Graph.Subscriptions;

/// <summary>POSTs queued change notifications to subscribers in the background, as Graph does: the
/// subscriber must answer 2xx within 3 seconds; failed deliveries are retried a few times.</summary>
public sealed partial class NotificationDelivery(
    SubscriptionRegistry registry, IHttpClientFactory httpClients, ILogger<NotificationDelivery> logger) : BackgroundService
{
    public const string HttpClientName = "graph-notifications";
    private const int Workers = 4;
    private const int Attempts = 3;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var n in registry.Queue.ReadAllAsync(ct))
            {
                for (var attempt = 1; attempt <= Attempts; attempt++)
                {
                    if (await TryDeliverAsync(n, ct)) break;
                    if (attempt < Attempts) await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
                    else Log.DeliveryAbandoned(logger, n.Url, Attempts);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the sandbox is stopping
        }
    }

    private async Task<bool> TryDeliverAsync(PendingNotification n, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            using var content = new ByteArrayContent(n.Payload);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            using var response = await httpClients.CreateClient(HttpClientName).PostAsync(n.Url, content, timeout.Token);
            if (response.IsSuccessStatusCode) return true;
            Log.DeliveryRejected(logger, n.Url, (int)response.StatusCode);
            return false;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            Log.DeliveryFailed(logger, n.Url, e.Message);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Notification to {Url} answered {Status}")]
        public static partial void DeliveryRejected(ILogger logger, string url, int status);

        [LoggerMessage(Level = LogLevel.Information, Message = "Notification to {Url} failed: {Reason}")]
        public static partial void DeliveryFailed(ILogger logger, string url, string reason);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Notification to {Url} dropped after {Attempts} attempts")]
        public static partial void DeliveryAbandoned(ILogger logger, string url, int attempts);
    }
}
