using System.Diagnostics;

namespace ContactSync.Projector.Hosting;

/// <summary>The projector's <see cref="ActivitySource"/> (sync runs); its meter is created by <see cref="ProjectionSupervisor"/>
/// under the same name. Projection batches are traced by the event store's runner under <c>ContactSync.EventStore</c>.</summary>
internal static class ProjectorTelemetry
{
    public const string Name = "ContactSync.Projector";

    public static readonly ActivitySource ActivitySource = new(Name);
}
