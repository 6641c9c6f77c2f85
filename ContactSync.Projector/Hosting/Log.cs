using Microsoft.Extensions.Logging;

namespace ContactSync.Projector.Hosting;

internal static partial class Log
{
    [LoggerMessage(LogLevel.Information, "Projection {Projection} v{Version} catching up: position {Position} of head {Head} ({Lag} behind)")]
    public static partial void CatchingUp(ILogger logger, string projection, int version, ulong position, ulong head, long lag);

    [LoggerMessage(LogLevel.Information, "Rebuild of {Projection} into v{Version} requested; fresh tables created")]
    public static partial void RebuildStarted(ILogger logger, string projection, int version);

    [LoggerMessage(LogLevel.Information, "Rebuild of {Projection} v{Version}: position {Position} of head {Head} ({Progress:P1})")]
    public static partial void RebuildProgress(ILogger logger, string projection, int version, ulong position, ulong head, double progress);

    [LoggerMessage(LogLevel.Information, "Rebuild of {Projection} swapped in: v{Version} is live (checksum {Checksum}, previous {PreviousChecksum})")]
    public static partial void RebuildSwapped(ILogger logger, string projection, int version, string checksum, string? previousChecksum);

    [LoggerMessage(LogLevel.Warning, "Rebuild of {Projection} v{Version}: swapped at a position the previous version had not reached; checksums not compared")]
    public static partial void SwappedWithoutComparison(ILogger logger, string projection, int version);

    [LoggerMessage(LogLevel.Information, "Projection {Projection} retired v{Version} (tables dropped)")]
    public static partial void Retired(ILogger logger, string projection, int version);

    [LoggerMessage(LogLevel.Error, "Supervisor of projection {Projection} failed; retrying")]
    public static partial void SupervisorFailed(ILogger logger, string projection, Exception exception);
}
