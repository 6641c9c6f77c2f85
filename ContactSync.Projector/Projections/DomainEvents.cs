using System.Text.Json;
using ContactSync.Domain.Serialization;
using ContactSync.EventStore;
using Microsoft.Extensions.Logging;

namespace ContactSync.Projector.Projections;

/// <summary>A stored event with its domain event, when it is one.</summary>
internal readonly record struct DomainEvent(RecordedEvent Record, object Event);

internal static partial class DomainEvents
{
    /// <summary>
    /// The domain events of a batch, in order. Unknown types (other writers, newer versions) are skipped; so is a
    /// known type whose data does not parse, with a warning: one bad event must not stop every read model.
    /// </summary>
    public static List<DomainEvent> Read(IReadOnlyList<RecordedEvent> events, ILogger logger)
    {
        // Parsing is most of a replayed batch's CPU: spread it over the cores, keep the order.
        var parsed = new object?[events.Count];
        Parallel.For(0, events.Count, i => parsed[i] = Parse(events[i], logger));
        var result = new List<DomainEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
            if (parsed[i] is { } e) result.Add(new DomainEvent(events[i], e));
        return result;
    }

    private static object? Parse(RecordedEvent e, ILogger logger)
    {
        if (!EventTypeMap.TryGetType(e.Type, out var type)) return null;
        try
        {
            return JsonSerializer.Deserialize(e.Data.Span, type, DomainJson.Options);
        }
        catch (JsonException ex)
        {
            UnreadableEvent(logger, e.Type, e.Stream.ToString(), e.Revision.ToString(), ex);
            return null;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Skipped event {Type} at {Stream}@{Revision}: its data does not parse")]
    private static partial void UnreadableEvent(ILogger logger, string type, string stream, string revision, Exception exception);
}
