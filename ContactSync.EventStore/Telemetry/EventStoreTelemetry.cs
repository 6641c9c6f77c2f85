using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ContactSync.EventStore.Telemetry;

/// <summary>The event store's <see cref="ActivitySource"/> and <see cref="Meter"/>, both named <c>ContactSync.EventStore</c>.</summary>
public static class EventStoreTelemetry
{
    /// <summary>The source and meter name.</summary>
    public const string Name = "ContactSync.EventStore";

    /// <summary>Spans of store operations.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    /// <summary>Store metrics.</summary>
    public static readonly Meter Meter = new(Name);

    /// <summary>Append calls, tagged with <c>outcome</c>.</summary>
    public static readonly Counter<long> Appends = Meter.CreateCounter<long>("eventstore.appends", "{call}", "Append calls");

    /// <summary>Events appended.</summary>
    public static readonly Counter<long> EventsAppended =
        Meter.CreateCounter<long>("eventstore.events.appended", "{event}", "Events appended");

    /// <summary>Events returned by stream and $all reads, tagged with <c>source</c>.</summary>
    public static readonly Counter<long> EventsRead = Meter.CreateCounter<long>("eventstore.events.read", "{event}", "Events read");
}
