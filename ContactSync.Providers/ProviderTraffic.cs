namespace ContactSync.Providers;

/// <summary>
/// What one provider session sent: every HTTP request that reached the wire (retries included) and every answer that
/// throttled it (HTTP 429, and 429 items inside a Microsoft Graph <c>$batch</c>). Counted below the adapters' retries,
/// so the figures are the provider's view; the sync engine reports the throttled answers of each run.
/// </summary>
public sealed class ProviderTraffic
{
    private long _requests;
    private long _throttled;

    public long Requests => Interlocked.Read(ref _requests);

    public long Throttled => Interlocked.Read(ref _throttled);

    public void Request() => Interlocked.Increment(ref _requests);

    public void Answer(int status)
    {
        if (status == 429) Interlocked.Increment(ref _throttled);
    }
}

/// <summary>The innermost handler of an adapter's HTTP pipeline: counts each attempt into <see cref="ProviderTraffic"/>.</summary>
internal sealed class TrafficHandler(ProviderTraffic traffic) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        traffic.Request();
        var response = await base.SendAsync(request, ct);
        traffic.Answer((int)response.StatusCode);
        return response;
    }
}
