using Microsoft.Extensions.Logging;

namespace ContactSync.EventStore;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Event store wake-up {Loop} connection lost; retrying")]
    public static partial void WakeUpConnectionLost(ILogger logger, string loop, Exception exception);

    [LoggerMessage(2, LogLevel.Information, "Projection {Projection} acquired ownership")]
    public static partial void ProjectionOwned(ILogger logger, string projection);

    [LoggerMessage(3, LogLevel.Warning, "Projection {Projection} lost the checkpoint fence: another instance moved it; standing by")]
    public static partial void ProjectionFenced(ILogger logger, string projection);

    [LoggerMessage(4, LogLevel.Error, "Projection {Projection} failed; retrying after {Delay}")]
    public static partial void ProjectionFaulted(ILogger logger, string projection, TimeSpan delay, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Projection {Projection} could not try for ownership (database out of reach); retrying after {Delay}")]
    public static partial void ProjectionStandbyFailed(ILogger logger, string projection, TimeSpan delay, Exception exception);
}
