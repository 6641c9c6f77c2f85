using System.Runtime.CompilerServices;
using ContactSync.EventStore.Subscriptions;

namespace ContactSync.EventStore.InMemory;

/// <summary>
/// A thread-safe in-memory store with the same semantics as the PostgreSQL one, for unit tests. Every append
/// commits under one lock, so <c>$all</c> has no horizon: Commit and Prepare are both the global sequence number.
/// </summary>
public sealed class InMemoryEventStore(TimeProvider? timeProvider = null) : IEventStore
{
    private readonly Lock _gate = new();
    private readonly List<RecordedEvent> _all = [];
    private readonly Dictionary<string, StreamState> _streams = new(StringComparer.Ordinal);
    private readonly WakeUpSignal _signal = new();
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <inheritdoc/>
    public Task<AppendResult> AppendToStreamAsync(StreamName stream, ExpectedRevision expected,
        IReadOnlyList<EventData> events, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(events.Count);
        if (events.Select(e => e.EventId).Distinct().Count() != events.Count)
            throw new ArgumentException("Event ids must be distinct within one append.", nameof(events));
        AppendResult result;
        lock (_gate)
        {
            if (!_streams.TryGetValue(stream.Value, out var s))
            {
                if (expected.Value >= 0 || expected == ExpectedRevision.StreamExists)
                    throw new WrongExpectedVersionException(stream, expected, null);
                s = new StreamState(stream);
            }
            if (s.Tombstoned) throw new StreamDeletedException(stream);
            if (TryIdempotent(s, expected, events) is { } repeat) return Task.FromResult(repeat);
            CheckExpected(s, expected);
            if (s.SoftDeleted) s.TruncateBefore = s.Revision + 1;
            s.SoftDeleted = false;
            _streams[stream.Value] = s;
            foreach (var e in events) Add(s, e.EventId, e.Type, e.Data, e.Metadata);
            result = new AppendResult((ulong)s.Revision, s.Events[^1].Position);
        }
        _signal.Set();
        return Task.FromResult(result);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(StreamName stream, Direction direction,
        StreamPosition from, long maxCount, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var s = Readable(stream);
            var minVisible = s.MinVisibleRevision();
            var cutoff = s.MaxAge is { } age ? _time.GetUtcNow() - age : DateTimeOffset.MinValue;
            var visible = s.Events.Where(e => (long)e.Revision.Value >= minVisible && e.Created >= cutoff);
            var page = direction == Direction.Forwards
                ? visible.Where(e => e.Revision.Value >= from.Value)
                : visible.Reverse().Where(e => e.Revision.Value <= from.Value);
            return Task.FromResult<IReadOnlyList<RecordedEvent>>(page.Take(Clamp(maxCount)).ToList());
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(Direction direction, Position from, long maxCount,
        EventFilter? filter = null, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var page = direction == Direction.Forwards
                ? _all.Where(e => e.Position >= from)
                : Enumerable.Reverse(_all).Where(e => e.Position < from);
            if (filter is not null) page = page.Where(e => filter.Matches(e.Stream.Value, e.Type));
            return Task.FromResult<IReadOnlyList<RecordedEvent>>(page.Take(Clamp(maxCount)).ToList());
        }
    }

    /// <inheritdoc/>
    public Task DeleteStreamAsync(StreamName stream, ExpectedRevision expected, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_streams.TryGetValue(stream.Value, out var s))
            {
                if (expected.Value >= 0 || expected == ExpectedRevision.StreamExists)
                    throw new WrongExpectedVersionException(stream, expected, null);
                return Task.CompletedTask;
            }
            if (s.Tombstoned) throw new StreamDeletedException(stream);
            CheckExpected(s, expected);
            s.SoftDeleted = true;
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task TombstoneAsync(StreamName stream, ExpectedRevision expected, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_streams.TryGetValue(stream.Value, out var s))
            {
                if (expected.Value >= 0 || expected == ExpectedRevision.StreamExists)
                    throw new WrongExpectedVersionException(stream, expected, null);
                s = _streams[stream.Value] = new StreamState(stream);
            }
            if (s.Tombstoned) throw new StreamDeletedException(stream);
            CheckExpected(s, expected);
            s.Tombstoned = true;
            _all.Add(NewRecord(stream, long.MaxValue, Guid.CreateVersion7(), "$streamDeleted", "{}"u8.ToArray(), []));
        }
        _signal.Set();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<StreamMetadata> GetStreamMetadataAsync(StreamName stream, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_streams.TryGetValue(stream.Value, out var s)) return Task.FromResult(StreamMetadata.None);
            if (s.Tombstoned) throw new StreamDeletedException(stream);
            return Task.FromResult(new StreamMetadata(s.MaxCount, s.MaxAge,
                s.TruncateBefore > 0 ? (ulong)s.TruncateBefore : null, s.Custom));
        }
    }

    /// <inheritdoc/>
    public Task SetStreamMetadataAsync(StreamName stream, StreamMetadata metadata, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_streams.TryGetValue(stream.Value, out var s)) s = _streams[stream.Value] = new StreamState(stream);
            if (s.Tombstoned) throw new StreamDeletedException(stream);
            s.MaxCount = metadata.MaxCount;
            s.MaxAge = metadata.MaxAge;
            s.TruncateBefore = metadata.TruncateBefore is { } tb ? (long)tb.Value : 0;
            s.Custom = metadata.CustomMetadata.ToArray();
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<Position> GetHeadPositionAsync(CancellationToken ct = default)
    {
        lock (_gate) return Task.FromResult(_all.Count == 0 ? Position.Start : _all[^1].Position);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<SubscriptionMessage> SubscribeToAll(FromAll start, EventFilter? filter = null,
        CancellationToken ct = default) => CatchUpSubscription.RunAsync(ReadPageAsync, _signal, start, filter, ct);

    private Task<AllPage> ReadPageAsync(Position after, int max, EventFilter? filter, CancellationToken ct)
    {
        lock (_gate)
        {
            var head = _all.Count == 0 ? Position.Start : _all[^1].Position;
            var page = new List<RecordedEvent>();
            foreach (var e in _all.Where(e => e.Position > after))
            {
                if (filter is null || filter.Matches(e.Stream.Value, e.Type)) page.Add(e);
                if (page.Count == max) return Task.FromResult(new AllPage(page, e.Position, head));
            }
            return Task.FromResult(new AllPage(page, head > after ? head : after, head));
        }
    }

    private StreamState Readable(StreamName stream) =>
        !_streams.TryGetValue(stream.Value, out var s) || s.SoftDeleted || (s.Revision < 0 && !s.Tombstoned)
            ? throw new StreamNotFoundException(stream)
            : s.Tombstoned ? throw new StreamDeletedException(stream) : s;

    private static AppendResult? TryIdempotent(StreamState s, ExpectedRevision expected, IReadOnlyList<EventData> events)
    {
        var found = events.Select(e => s.Events.FindIndex(r => r.EventId == e.EventId)).ToList();
        if (found.All(i => i < 0)) return null;
        var consecutive = found.All(i => i >= 0) && found.Select((i, k) => i - k).Distinct().Count() == 1;
        if (!consecutive) throw new IdempotencyMismatchException(s.Name);
        var first = s.Events[found[0]].Revision.Value;
        var placeOk = expected.Value switch { >= 0 => first == (ulong)expected.Value + 1, -1 => first == 0, _ => true };
        if (!placeOk) throw new WrongExpectedVersionException(s.Name, expected, s.Revision < 0 ? null : (ulong)s.Revision);
        var last = s.Events[found[^1]];
        return new AppendResult(last.Revision, last.Position);
    }

    private static void CheckExpected(StreamState s, ExpectedRevision expected)
    {
        var ok = expected.Value switch
        {
            -2 => true,
            -1 => s.Revision == -1 || s.SoftDeleted,
            -4 => s.Revision >= 0 && !s.SoftDeleted,
            var exact => s.Revision == exact,
        };
        if (!ok) throw new WrongExpectedVersionException(s.Name, expected, s.Revision < 0 ? null : (ulong)s.Revision);
    }

    private void Add(StreamState s, Guid id, string type, ReadOnlyMemory<byte> data, ReadOnlyMemory<byte> metadata)
    {
        s.Revision++;
        var record = NewRecord(s.Name, s.Revision, id, type, data.ToArray(), metadata.ToArray());
        s.Events.Add(record);
        _all.Add(record);
    }

    private RecordedEvent NewRecord(StreamName stream, long revision, Guid id, string type, byte[] data, byte[] metadata)
    {
        var seq = (ulong)_all.Count + 1;
        return new RecordedEvent(stream, (ulong)revision, new Position(seq, seq), id, type, data, metadata, _time.GetUtcNow());
    }

    private static int Clamp(long maxCount) => (int)Math.Clamp(maxCount, 0, int.MaxValue);

    private sealed class StreamState(StreamName name)
    {
        public StreamName Name { get; } = name;
        public List<RecordedEvent> Events { get; } = [];
        public long Revision { get; set; } = -1;
        public long TruncateBefore { get; set; }
        public long? MaxCount { get; set; }
        public TimeSpan? MaxAge { get; set; }
        public byte[] Custom { get; set; } = [];
        public bool SoftDeleted { get; set; }
        public bool Tombstoned { get; set; }

        public long MinVisibleRevision() => Math.Max(TruncateBefore,
            MaxCount is { } n ? Revision - n + 1 : 0);
    }
}
