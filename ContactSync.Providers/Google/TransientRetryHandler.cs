using System.Net;
using Google.Apis.Http;
using Microsoft.Extensions.Logging;

namespace ContactSync.Providers.Google;

/// <summary>
/// Retries what Google answers as transient (429 RESOURCE_EXHAUSTED, 500, 502, 503, 504) and dropped connections,
/// honouring Retry-After, with a bounded number of attempts. It sits below Google.Apis' ConfigurableMessageHandler
/// (whose default back-off retries 503 only and ignores Retry-After) and buffers each response body itself, so a
/// connection dropped mid-body is retried here instead of surfacing from the deserialiser.
/// After the last attempt it throws <see cref="ProviderThrottledException"/> or <see cref="ProviderUnavailableException"/>.
/// </summary>
/// <remarks>
/// A create whose outcome is unknown (the connection dropped after sending, or a 500) is not re-sent: doing so
/// could duplicate the contact. <see cref="AmbiguousCreateException"/> hands it back to the adapter, which looks
/// for the CRM ids first (sync rule 8).
/// </remarks>
internal sealed class TransientRetryHandler(HttpMessageHandler inner, GoogleProviderOptions options, ILogger logger) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var creates = request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath is { } path &&
            (path.EndsWith(":createContact", StringComparison.Ordinal) || path.EndsWith(":batchCreateContacts", StringComparison.Ordinal));
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage? response = null;
            Exception? failure = null;
            try
            {
                response = await base.SendAsync(request, ct);
                await response.Content.LoadIntoBufferAsync(ct);
            }
            catch (Exception e) when (IsTransport(e, ct))
            {
                response?.Dispose();
                response = null;
                failure = e;
            }

            var status = response?.StatusCode;
            if (response is not null && !IsTransient(status!.Value)) return response;

            var retryAfter = RetryAfter(response);
            var ambiguous = failure is not null || status is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout;
            var reason = failure is not null ? failure.GetType().Name : ((int)status!.Value).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (creates && ambiguous)
            {
                response?.Dispose();
                throw new AmbiguousCreateException($"Create request outcome unknown ({reason}).", failure);
            }
            var delay = retryAfter ?? Backoff(attempt);
            if (attempt >= options.MaxAttempts || delay > options.MaxDelay)
            {
                response?.Dispose();
                if (status == HttpStatusCode.TooManyRequests)
                    throw new ProviderThrottledException($"Google throttled the request {attempt} times.", retryAfter ?? Backoff(attempt));
                throw new ProviderUnavailableException($"Google was unavailable for {attempt} attempts (last: {reason}).", failure);
            }
            response?.Dispose();
            Log.RetryingGoogleRequest(logger, request.Method.Method, request.RequestUri?.AbsolutePath, reason, attempt, delay);
            await Task.Delay(delay, ct);
        }
    }

    private static bool IsTransient(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests
        or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>Connection failures and timeouts; a cancellation the caller asked for is not one.</summary>
    private static bool IsTransport(Exception e, CancellationToken ct) =>
        e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested);

    private static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        return null;
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        return TimeSpan.FromMilliseconds(Math.Min(exponential, options.MaxDelay.TotalMilliseconds) * (0.5 + Random.Shared.NextDouble() / 2));
    }
}

/// <summary>A create's outcome is unknown; the adapter checks for the CRM ids before sending it again.</summary>
internal sealed class AmbiguousCreateException(string message, Exception? inner) : ProviderException(message, inner);

/// <summary>Google.Apis client factory that puts <see cref="TransientRetryHandler"/> under its message handler.</summary>
internal sealed class RetryingHttpClientFactory(GoogleProviderOptions options, ILogger logger) : HttpClientFactory
{
    protected override HttpMessageHandler CreateHandler(CreateHttpClientArgs args) =>
        new TransientRetryHandler(base.CreateHandler(args), options, logger);
}
