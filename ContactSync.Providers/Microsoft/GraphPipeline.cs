using Microsoft.Extensions.Http.Resilience;
using Microsoft.Graph;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;
using Polly;
using Polly.Retry;

namespace ContactSync.Providers.Microsoft;

/// <summary>
/// The HTTP pipeline under the Graph SDK: Graph's default middleware with one resilience retry instead of its own
/// retry handler, plus our handler for immutable ids.
/// </summary>
internal static class GraphPipeline
{
    public const string ImmutableIdPreference = "IdType=\"ImmutableId\"";

    public static HttpClient Create(MicrosoftProviderOptions options, HttpMessageHandler? transport, ProviderTraffic? traffic = null)
    {
        // Graph's own retry handler goes: one Microsoft.Extensions.Http.Resilience retry replaces it and our handler
        // for dropped connections, so that no call is retried by two layers.
        var handlers = GraphClientFactory.CreateDefaultHandlers();
        foreach (var retry in handlers.OfType<RetryHandler>().ToList()) handlers.Remove(retry);
        handlers.Insert(0, new ResilienceHandler(Retry(options)));
        handlers.Insert(0, new ImmutableIdHandler());
        handlers.Add(new BufferingHandler());
        if (traffic is not null) handlers.Add(new TrafficHandler(traffic));
        return GraphClientFactory.Create(handlers, finalHandler: transport ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
        }, disposeHandler: transport is null);
    }

    /// <summary>
    /// 429, 503 and 504 are retried after their Retry-After (bounded: a longer wait ends the call and the engine
    /// reschedules). Requests without side effects (GET, DELETE, HEAD) are also retried when the connection drops or
    /// the server answers 500/502; POSTs are never replayed blindly: a create whose answer was lost is reconciled by
    /// CRM id instead (sync rule 8). JSON batches are left alone here: <see cref="GraphBatch"/> retries their items
    /// (and a whole batch) itself, knowing which items are creates.
    /// </summary>
    private static ResiliencePipeline<HttpResponseMessage> Retry(MicrosoftProviderOptions options) =>
        new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                ShouldHandle = args =>
                {
                    var request = args.Context.GetRequestMessage();
                    if (request is null || IsBatch(request)) return ValueTask.FromResult(false);
                    var replayable = request.Method == HttpMethod.Get || request.Method == HttpMethod.Delete || request.Method == HttpMethod.Head;
                    if (args.Outcome.Exception is { } e) return ValueTask.FromResult(replayable && GraphErrors.IsTransport(e, args.Context.CancellationToken));
                    var response = args.Outcome.Result!;
                    var retry = (int)response.StatusCode switch
                    {
                        429 or 503 or 504 => (response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero) <= options.MaxRetryDelay,
                        500 or 502 => replayable,
                        _ => false,
                    };
                    return ValueTask.FromResult(retry);
                },
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    args.Outcome.Result?.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(Math.Min(100 * (1 << args.AttemptNumber), 5_000))),
            })
            .Build();

    private static bool IsBatch(HttpRequestMessage request) =>
        request.RequestUri?.AbsolutePath.EndsWith("/$batch", StringComparison.Ordinal) == true;

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
}
