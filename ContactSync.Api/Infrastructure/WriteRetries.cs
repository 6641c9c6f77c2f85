using ContactSync.EventStore;
using ContactSync.Providers.Streams;

namespace ContactSync.Api.Infrastructure;

/// <summary>An endpoint's read-decide-append, retried on a concurrent change unless the client pinned a version.</summary>
public static class WriteRetries
{
    /// <summary>
    /// Runs the attempt; on <see cref="WrongExpectedVersionException"/> without If-Match it runs it again (a fresh read),
    /// a few times. With If-Match, or after the last attempt, the exception handler answers (412, or 409).
    /// </summary>
    public static Task<T> WithRetriesAsync<T>(HttpContext context, int attempts, Func<Task<T>> attempt) =>
        EventStreams.RetryAsync(attempts, attempt, retry: context.Request.Headers.IfMatch.Count == 0);
}
