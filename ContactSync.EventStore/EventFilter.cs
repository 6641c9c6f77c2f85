namespace ContactSync.EventStore;

/// <summary>A server-side filter for <c>$all</c> reads and subscriptions.</summary>
public sealed record EventFilter
{
    private EventFilter(IReadOnlyList<string> streamPrefixes, IReadOnlyList<string> eventTypes)
    {
        StreamPrefixes = streamPrefixes;
        EventTypes = eventTypes;
    }

    /// <summary>Stream name prefixes, any of which matches (empty = no stream filter).</summary>
    public IReadOnlyList<string> StreamPrefixes { get; }

    /// <summary>Exact event type names, any of which matches (empty = no type filter).</summary>
    public IReadOnlyList<string> EventTypes { get; }

    /// <summary>Events of streams whose name starts with one of the prefixes (e.g. a category <c>"Contact-"</c>).</summary>
    public static EventFilter StreamPrefix(params string[] prefixes) =>
        prefixes.Length == 0 ? throw new ArgumentException("At least one prefix.", nameof(prefixes)) : new(prefixes, []);

    /// <summary>Events of one of the given types.</summary>
    public static EventFilter EventType(params string[] types) =>
        types.Length == 0 ? throw new ArgumentException("At least one type.", nameof(types)) : new([], types);

    /// <summary>Whether an event passes the filter.</summary>
    public bool Matches(string stream, string type) =>
        (StreamPrefixes.Count == 0 || StreamPrefixes.Any(p => stream.StartsWith(p, StringComparison.Ordinal))) &&
        (EventTypes.Count == 0 || EventTypes.Contains(type, StringComparer.Ordinal));
}
