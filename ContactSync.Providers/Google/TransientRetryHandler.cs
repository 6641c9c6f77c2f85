using System.Net;
using Google.Apis.Http;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace ContactSync.Providers.Google;

/// <summary>
/// Google's transient answers (429 RESOURCE_EXHAUSTED, 500, 502, 503, 504) and dropped connections are retried by a
/// Microsoft.Extensions.Http.Resilience <see cref="ResilienceHandler"/> whose retry honours Retry-After, with a bounded
/// number of attempts. It sits below Google.Apis' ConfigurableMessageHandler, whose own back-off is switched off by the
/// adapter (one layer of retries per call). Each attempt's body is buffered below the retry, so a connection dropped
/// mid-body is retried here instead of surfacing from the deserialiser.
/// </summary>
/// <remarks>
/// A create whose outcome is unknown (the connection dropped after sending, or a 500) is not re-sent: doing so could
/// duplicate the contact. <see cref="AmbiguousCreateException"/> hands it back to the adapter, which looks for the CRM
/// ids first (sync rule 8). The retry strategy cannot throw our exception types, so this small handler of our own stays
/// above it: it turns what is left after the last attempt into <see cref="ProviderThrottledException"/>,
/// <see cref="ProviderUnavailableException"/> or <see cref="AmbiguousCreateException"/>, as the engine expects.
/// </remarks>
internal sealed class TransientRetryHandler : DelegatingHandler
{
    private readonly GoogleProviderOptions _options;

    public TransientRetryHandler(HttpMessageHandler transport, GoogleProviderOptions options, ILogger logger, ProviderTraffic? traffic = null)
    {
        _options = options;
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(0, options.MaxAttempts - 1),
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context, args.Outcome, args.AttemptNumber + 1)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(RetryAfter(args.Outcome.Result) ?? Backoff(args.AttemptNumber + 1)),
                OnRetry = args =>
                {
                    var request = args.Context.GetRequestMessage();
                    Log.RetryingGoogleRequest(logger, request?.Method.Method ?? "", request?.RequestUri?.AbsolutePath, Reason(args.Outcome), args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            })
            .Build();
        var counted = traffic is null ? transport : new TrafficHandler(traffic) { InnerHandler = transport };
        InnerHandler = new ResilienceHandler(pipeline) { InnerHandler = new BufferingHandler(counted) };
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, ct);
        }
        catch (Exception e) when (IsTransport(e, ct))
        {
            if (IsCreate(request)) throw new AmbiguousCreateException($"Create request outcome unknown ({e.GetType().Name}).", e);
            throw new ProviderUnavailableException($"Google was unavailable for {_options.MaxAttempts} attempts or longer than we wait (last: {e.GetType().Name}).", e);
        }
        if (!IsTransient(response.StatusCode)) return response;

        var status = response.StatusCode;
        var retryAfter = RetryAfter(response);
        response.Dispose();
        var reason = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (IsCreate(request) && IsAmbiguous(status)) throw new AmbiguousCreateException($"Create request outcome unknown ({reason}).", null);
        if (status == HttpStatusCode.TooManyRequests)
            throw new ProviderThrottledException("Google throttled the request past the attempts we make or the wait we accept.", retryAfter ?? Backoff(_options.MaxAttempts));
        throw new ProviderUnavailableException($"Google was unavailable past the attempts we make (last: {reason}).", null);
    }

    private bool ShouldRetry(ResilienceContext context, Outcome<HttpResponseMessage> outcome, int attempt)
    {
        var request = context.GetRequestMessage();
        if (outcome.Exception is { } e)
            return IsTransport(e, context.CancellationToken) && !(request is not null && IsCreate(request));
        if (outcome.Result is not { } response || !IsTransient(response.StatusCode)) return false;
        if (request is not null && IsCreate(request) && IsAmbiguous(response.StatusCode)) return false;
        var delay = RetryAfter(response) ?? Backoff(attempt);
        return delay <= _options.MaxDelay;
    }

    private static bool IsCreate(HttpRequestMessage request) =>
        request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath is { } path &&
        (path.EndsWith(":createContact", StringComparison.Ordinal) || path.EndsWith(":batchCreateContacts", StringComparison.Ordinal));

    private static bool IsAmbiguous(HttpStatusCode status) =>
        status is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout;

    private static bool IsTransient(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests
        or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>Connection failures and timeouts; a cancellation the caller asked for is not one.</summary>
    private static bool IsTransport(Exception e, CancellationToken ct) =>
        e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested);

    private static string Reason(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception?.GetType().Name ?? ((int)outcome.Result!.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        return null;
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = _options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        return TimeSpan.FromMilliseconds(Math.Min(exponential, _options.MaxDelay.TotalMilliseconds) * (0.5 + Random.Shared.NextDouble() / 2));
    }
}

/// <summary>A create's outcome is unknown; the adapter looks for its CRM ids, and what it does not find is <see cref="ProviderErrorKind.Unconfirmed"/>.</summary>
internal sealed class AmbiguousCreateException(string message, Exception? inner) : ProviderException(message, inner);

/// <summary>Google.Apis client factory that puts <see cref="TransientRetryHandler"/> under its message handler.</summary>
internal sealed class RetryingHttpClientFactory(GoogleProviderOptions options, ILogger logger, ProviderTraffic? traffic = null) : HttpClientFactory
{
    protected override HttpMessageHandler CreateHandler(CreateHttpClientArgs args) =>
        new TransientRetryHandler(base.CreateHandler(args), options, logger, traffic);
}
