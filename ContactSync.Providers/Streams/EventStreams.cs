using ContactSync.Domain.Serialization;
using ContactSync.EventStore;

namespace ContactSync.Providers.Streams;

/// <summary>
/// The plumbing of every host's command flow: read a stream (a missing one is empty), turn stored events into domain
/// events, append with the version read, and run a read-decide-append again when somebody appended in between.
/// </summary>
public static class EventStreams
{
    public static async Task<IReadOnlyList<RecordedEvent>> ReadAsync(IEventStore store, string stream, CancellationToken ct, long from = 0)
    {
        try
        {
            return await store.ReadStreamAsync(new StreamName(stream), Direction.Forwards, new StreamPosition((ulong)from), long.MaxValue, ct);
        }
        catch (StreamNotFoundException)
        {
            return [];
        }
    }

    public static IEnumerable<T> Domain<T>(IEnumerable<RecordedEvent> recorded) =>
        recorded.Select(e => (T)DomainJson.Deserialize(e.Type, e.Data.Span));

    /// <summary>The revision an append expects from the version a state was folded to (-1: the stream must not exist).</summary>
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
    /// Runs a read-decide-append attempt, and on <see cref="WrongExpectedVersionException"/> runs it again from a fresh
    /// read, up to <paramref name="attempts"/> times (never when <paramref name="retry"/> is false: the caller pinned a
    /// version). The last failure is the caller's.
    /// </summary>
    public static async Task<T> RetryAsync<T>(int attempts, Func<Task<T>> attempt, bool retry = true)
    {
        for (var i = 1; ; i++)
        {
            try
            {
                return await attempt();
            }
            catch (WrongExpectedVersionException) when (retry && i < attempts)
            {
                // Somebody else appended between our read and our append: decide again on the new state.
            }
        }
    }
}
