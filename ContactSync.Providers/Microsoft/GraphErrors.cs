using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;

namespace ContactSync.Providers.Microsoft;

/// <summary>Turns Graph SDK failures into the typed exceptions the sync engine reacts to.</summary>
internal static class GraphErrors
{
    public static bool IsTransport(Exception e, CancellationToken ct) =>
        e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested);

    public static string? Code(ApiException e) => (e as ODataError)?.Error?.Code;

    /// <summary>410, or a 4xx whose code says the delta state is gone (providers.md B6).</summary>
    public static bool IsCursorExpired(ApiException e) =>
        e.ResponseStatusCode == 410 ||
        (e.ResponseStatusCode is >= 400 and < 500 && Code(e) is { } code &&
         (code.Equals("syncStateNotFound", StringComparison.OrdinalIgnoreCase) || code.Equals("resyncRequired", StringComparison.OrdinalIgnoreCase)));

    public static TimeSpan RetryAfter(ApiException e)
    {
        foreach (var (name, values) in e.ResponseHeaders)
            if (name.Equals("Retry-After", StringComparison.OrdinalIgnoreCase) && int.TryParse(values.FirstOrDefault(), out var s))
                return TimeSpan.FromSeconds(s);
        return TimeSpan.FromSeconds(5);
    }

    /// <summary>The typed exception for a failure that outlasted the retries; unexpected answers (a 400 we
    /// did not provoke on purpose) are rethrown as they are, since they point at a bug.</summary>
    public static Exception Map(Exception e, CancellationToken ct) => e switch
    {
        ProviderException => e,
        ApiException api when IsCursorExpired(api) => new CursorExpiredException("The Outlook delta link expired; a full sync is needed.", e),
        ApiException { ResponseStatusCode: 429 } api => new ProviderThrottledException("Microsoft Graph kept throttling the requests.", RetryAfter(api), e),
        ApiException { ResponseStatusCode: >= 500 } => new ProviderUnavailableException($"Microsoft Graph answered {((ApiException)e).ResponseStatusCode}.", e),
        ApiException { ResponseStatusCode: 401 or 403 } => new ReauthRequiredException("Microsoft Graph refused the account's token.", e),
        ApiException { ResponseStatusCode: 412 } => new ProviderConflictException("The Outlook contact changed in the meantime.", e),
        ApiException { ResponseStatusCode: 400 } api when api.Message.Contains("exceeds the max allowed", StringComparison.Ordinal) ||
                                                          ((api as ODataError)?.Error?.Message?.Contains("exceeds the max allowed", StringComparison.Ordinal) ?? false)
            => new ProviderLimitException("An Outlook multi-value limit was exceeded.", e),
        _ when IsTransport(e, ct) => new ProviderUnavailableException("Microsoft Graph could not be reached.", e),
        _ => e,
    };
}
