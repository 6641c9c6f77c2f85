namespace ContactSync.Sandbox.Control;

/// <summary>Faults injected into one provider's API calls (OAuth and control endpoints are never faulted).</summary>
/// <param name="Status429Rate">Share of requests answered 429 with Retry-After (0..1).</param>
/// <param name="Status5xxRate">Share of requests answered 500 or 503 (0..1).</param>
/// <param name="LatencyMs">Delay added before every request.</param>
/// <param name="ResetRate">Share of requests whose connection is dropped mid-response (0..1).</param>
/// <param name="RetryAfterSeconds">Retry-After sent with 429 and 503.</param>
/// <param name="EnforceConcurrencyLimit">Whether the provider's concurrency limit answers 429.</param>
/// <param name="PropagationDelayMs">
/// Propagation delay (0..600000 ms; 0, the default, shows every write at once). A contact write (create,
/// update, delete, group membership change, folder move) shows in listings and change feeds only this long
/// after it was made; until then they show the contact as it was before the write (its older etag or
/// changeKey; absent when new, still present when deleted). Listings are Google's
/// <c>people.connections.list</c> (full and incremental) and the members of <c>contactGroups.get</c>, and
/// Graph's contact listings (with <c>$filter</c>) and delta feeds. Reads of one contact by id
/// (<c>people.get</c>, <c>people:batchGet</c>, <c>GET /me/contacts/{id}</c>) and etag / If-Match checks
/// see the current state at once. A write gets its change-feed position when it becomes visible, so a
/// cursor taken before then still delivers it. The delay applies to writes made while it is set.
/// </param>
public sealed record FaultSettings(
    double Status429Rate = 0,
    double Status5xxRate = 0,
    int LatencyMs = 0,
    double ResetRate = 0,
    int RetryAfterSeconds = 1,
    bool EnforceConcurrencyLimit = true,
    int PropagationDelayMs = 0)
{
    public static readonly FaultSettings None = new();
}
