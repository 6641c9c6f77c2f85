using Microsoft.Graph;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace ContactSync.Providers.Microsoft;

/// <summary>
/// The HTTP pipeline under the Graph SDK: Graph's default middleware with its retry handler bounded (it honours
/// Retry-After on 429/503/504), plus our handlers for immutable ids and for dropped connections.
/// </summary>
internal static class GraphPipeline
{
    public const string ImmutableIdPreference = "IdType=\"ImmutableId\"";

    public static HttpClient Create(MicrosoftProviderOptions options, HttpMessageHandler? transport)
    {
        var handlers = GraphClientFactory.CreateDefaultHandlers();
        var maxDelay = (int)options.MaxRetryDelay.TotalSeconds;
        for (var i = 0; i < handlers.Count; i++)
        {
            if (handlers[i] is RetryHandler)
                handlers[i] = new RetryHandler(new RetryHandlerOption
                {
                    MaxRetry = options.MaxRetries,
                    Delay = 1,
                    // The predicate replaces the handler's own status check, so it names the statuses again. A
                    // Retry-After longer than we are willing to wait ends the call; the engine reschedules.
                    ShouldRetry = (delay, _, response) => (int)response.StatusCode is 429 or 503 or 504 && delay <= maxDelay,
                });
        }
        handlers.Insert(0, new TransientFailureHandler(options.MaxRetries));
        handlers.Insert(0, new ImmutableIdHandler());
        return GraphClientFactory.Create(handlers, finalHandler: transport ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
        }, disposeHandler: transport is null);
    }

    /// <summary>Outlook ids change when an item moves between folders unless every request asks for
    /// immutable ids (providers.md B1).</summary>
    private sealed class ImmutableIdHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (!request.Headers.TryGetValues("Prefer", out var values) || !values.Any(v => v.Contains("IdType", StringComparison.Ordinal)))
                request.Headers.TryAddWithoutValidation("Prefer", ImmutableIdPreference);
            return base.SendAsync(request, ct);
        }
    }

    /// <summary>
    /// Retries requests without side effects (GET, DELETE) when the connection drops or the server answers
    /// 500/502, and buffers every response so that a body cut short fails here, where it can be retried, rather
    /// than later inside the SDK's parser. POSTs are never replayed blindly: a create whose answer was lost is
    /// reconciled by CRM id instead (sync rule 8).
    /// </summary>
    private sealed class TransientFailureHandler(int maxRetries) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var replayable = request.Method == HttpMethod.Get || request.Method == HttpMethod.Delete || request.Method == HttpMethod.Head;
            for (var attempt = 0; ; attempt++)
            {
                HttpResponseMessage? response = null;
                try
                {
                    response = await base.SendAsync(request, ct);
                    await response.Content.LoadIntoBufferAsync(ct);
                    if (replayable && attempt < maxRetries && (int)response.StatusCode is 500 or 502)
                    {
                        response.Dispose();
                        await Task.Delay(Backoff(attempt), ct);
                        continue;
                    }
                    return response;
                }
                catch (Exception e) when (replayable && attempt < maxRetries && GraphErrors.IsTransport(e, ct))
                {
                    response?.Dispose();
                    await Task.Delay(Backoff(attempt), ct);
                }
            }
        }

        private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(100 * (1 << attempt), 5_000));
    }
}
