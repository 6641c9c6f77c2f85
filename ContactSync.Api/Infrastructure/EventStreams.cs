using ContactSync.Domain.Serialization;
using ContactSync.EventStore;

namespace ContactSync.Api.Infrastructure;

/// <summary>
/// The command flow's plumbing shared by every endpoint: read a stream (a missing one is empty), turn stored
/// events into domain events, append with the version read, and retry the whole read-decide-append on a
/// concurrent change when the client did not pin a version with If-Match.
/// </summary>
public static class EventStreams
{
    public static async Task<IReadOnlyList<RecordedEvent>> ReadAsync(IEventStore store, string stream, CancellationToken ct)
    {
        try
        {
            return await store.ReadStreamAsync(new StreamName(stream), Direction.Forwards, StreamPosition.Start, long.MaxValue, ct);
        }
        catch (StreamNotFoundException)
        {
            return [];
        }
    }

    public static IEnumerable<T> Domain<T>(IEnumerable<RecordedEvent> recorded) =>
        recorded.Select(e => (T)DomainJson.Deserialize(e.Type, e.Data.Span));

    public static ExpectedRevision Expected(long version) =>
        version < 0 ? ExpectedRevision.NoStream : ExpectedRevision.Exact((ulong)version);

    public static Task<AppendResult> AppendAsync<T>(IEventStore store, string stream, long version, IEnumerable<T> events,
        CancellationToken ct) where T : notnull =>
        AppendAsync(store, stream, Expected(version), events, ct);

    public static Task<AppendResult> AppendAsync<T>(IEventStore store, string stream, ExpectedRevision expected, IEnumerable<T> events,
        CancellationToken ct) where T : notnull
    {
        var data = events.Select(e =>
        {
            var (type, json) = DomainJson.Serialize(e);
            return new EventData(Guid.CreateVersion7(), type, json);
        }).ToList();
        return store.AppendToStreamAsync(new StreamName(stream), expected, data, ct);
    }

    /// <summary>
    /// Runs a read-decide-append attempt; on <see cref="WrongExpectedVersionException"/> without If-Match it runs
    /// it again (a fresh read), a few times. The last failure goes to the exception handler (409, or 412 with If-Match).
    /// </summary>
    public static async Task<T> WithRetriesAsync<T>(HttpContext context, int attempts, Func<Task<T>> attempt)
    {
        var pinned = context.Request.Headers.IfMatch.Count > 0;
        for (var i = 1; ; i++)
        {
            try
            {
                return await attempt();
            }
            catch (WrongExpectedVersionException) when (!pinned && i < attempts)
            {
                // Somebody else appended between our read and our append: decide again on the new state.
            }
        }
    }
}
