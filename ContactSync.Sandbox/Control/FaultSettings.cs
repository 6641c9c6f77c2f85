namespace ContactSync.Sandbox.Control;

/// <summary>Faults injected into one provider's API calls (OAuth and control endpoints are never faulted).</summary>
/// <param name="Status429Rate">Share of requests answered 429 with Retry-After (0..1).</param>
/// <param name="Status5xxRate">Share of requests answered 500 or 503 (0..1).</param>
/// <param name="LatencyMs">Delay added before every request.</param>
/// <param name="ResetRate">Share of requests whose connection is dropped mid-response (0..1).</param>
/// <param name="RetryAfterSeconds">Retry-After sent with 429 and 503.</param>
/// <param name="EnforceConcurrencyLimit">Whether the provider's concurrency limit answers 429.</param>
public sealed record FaultSettings(
    double Status429Rate = 0,
    double Status5xxRate = 0,
    int LatencyMs = 0,
    double ResetRate = 0,
    int RetryAfterSeconds = 1,
    bool EnforceConcurrencyLimit = true)
{
    public static readonly FaultSettings None = new();
}
