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
        var result = new List<DomainEvent>(events.Count);
        foreach (var e in events)
        {
            if (!EventTypeMap.TryGetType(e.Type, out var type)) continue;
            try
            {
                if (JsonSerializer.Deserialize(e.Data.Span, type, DomainJson.Options) is { } parsed)
                    result.Add(new DomainEvent(e, parsed));
            }
            catch (JsonException ex)
            {
                UnreadableEvent(logger, e.Type, e.Stream.ToString(), e.Revision.ToString(), ex);
            }
        }
        return result;
    }

    [LoggerMessage(LogLevel.Warning, "Skipped event {Type} at {Stream}@{Revision}: its data does not parse")]
    private static partial void UnreadableEvent(ILogger logger, string type, string stream, string revision, Exception exception);
}
