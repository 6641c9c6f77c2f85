using System.Globalization;

namespace ContactSync.Sandbox.Graph.Http;

/// <summary>The fault answers Graph gives for Outlook resources (providers.md B5, B9).</summary>
public static class GraphFaults
{
    public static GraphResponse Throttled(TimeSpan retryAfter) =>
        GraphResponse.Error(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.")
            .WithHeader("Retry-After", Seconds(retryAfter));

    public static GraphResponse ServerError() =>
        GraphResponse.Error(500, "generalException", "General exception while processing.");

    public static GraphResponse Unavailable(TimeSpan retryAfter) =>
        GraphResponse.Error(503, "serviceNotAvailable", "The service is temporarily unavailable. Please retry after some time.")
            .WithHeader("Retry-After", Seconds(retryAfter));

    private static string Seconds(TimeSpan t) => ((int)Math.Ceiling(t.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
