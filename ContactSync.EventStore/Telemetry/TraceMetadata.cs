using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ContactSync.EventStore.Telemetry;

/// <summary>
/// The W3C trace context carried in an event's metadata (<c>traceparent</c>, <c>tracestate</c>), so that the work an
/// event causes elsewhere (a projection batch, a sync run) continues the trace of the request that wrote it, as
/// messaging systems do with message headers.
/// </summary>
public static class TraceMetadata
{
    /// <summary>The metadata key of the W3C <c>traceparent</c>.</summary>
    public const string TraceParent = "traceparent";

    /// <summary>The metadata key of the W3C <c>tracestate</c>.</summary>
    public const string TraceState = "tracestate";

    /// <summary>Adds <paramref name="activity"/>'s context to <paramref name="metadata"/> unless it already names a
    /// trace parent or is not a JSON object (then it is returned unchanged).</summary>
    public static ReadOnlyMemory<byte> With(ReadOnlyMemory<byte> metadata, Activity activity)
    {
        JsonObject doc;
        if (metadata.IsEmpty) doc = [];
        else
        {
            try
            {
                if (JsonNode.Parse(metadata.Span) is not JsonObject parsed || parsed.ContainsKey(TraceParent)) return metadata;
                doc = parsed;
            }
            catch (JsonException)
            {
                return metadata;
            }
        }
        doc[TraceParent] = activity.Id;
        if (!string.IsNullOrEmpty(activity.TraceStateString)) doc[TraceState] = activity.TraceStateString;
        return JsonSerializer.SerializeToUtf8Bytes(doc);
    }

    /// <summary>The trace context stored in <paramref name="metadata"/>, if there is a valid one.</summary>
    public static bool TryGetContext(ReadOnlyMemory<byte> metadata, out ActivityContext context)
    {
        context = default;
        if (metadata.IsEmpty || metadata.Span.IndexOf("traceparent"u8) < 0) return false;
        try
        {
            using var doc = JsonDocument.Parse(metadata);
            if (doc.RootElement.ValueKind != JsonValueKind.Object ||
                !doc.RootElement.TryGetProperty(TraceParent, out var parent) || parent.ValueKind != JsonValueKind.String) return false;
            var state = doc.RootElement.TryGetProperty(TraceState, out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return ActivityContext.TryParse(parent.GetString(), state, isRemote: true, out context);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Starts the span that handles a batch of events: the child of their writer's trace when they all come
    /// from one, otherwise a new trace linked to each writer's (at most <paramref name="maxLinks"/>).</summary>
    public static Activity? StartHandling(ActivitySource source, string name, IReadOnlyList<RecordedEvent> events, int maxLinks = 32)
    {
        if (!source.HasListeners()) return null;
        var parents = new List<ActivityContext>();
        foreach (var e in events)
        {
            if (!TryGetContext(e.Metadata, out var context) || parents.Any(p => p.TraceId == context.TraceId)) continue;
            parents.Add(context);
            if (parents.Count == maxLinks) break;
        }
        return parents.Count == 1
            ? source.StartActivity(name, ActivityKind.Consumer, parents[0])
            : source.StartActivity(ActivityKind.Consumer, parentContext: default, links: parents.Select(p => new ActivityLink(p)), name: name);
    }
}
