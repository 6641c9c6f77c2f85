using Microsoft.Extensions.Logging;

namespace ContactSync.Projector.Hosting;

internal static partial class Log
{
    [LoggerMessage(LogLevel.Information, "Projection {Projection} v{Version} catching up: position {Position} of head {Head} ({Lag} behind)")]
    public static partial void CatchingUp(ILogger logger, string projection, int version, ulong position, ulong head, long lag);

    [LoggerMessage(LogLevel.Information, "Rebuild of {Projection} into v{Version} requested; fresh tables created")]
    public static partial void RebuildStarted(ILogger logger, string projection, int version);

    [LoggerMessage(LogLevel.Warning, "Rebuild of {Projection} v{Version} restarts from position zero: its tables were not yet durable when its runner stopped (a crash may have emptied them)")]
    public static partial void RebuildRestarted(ILogger logger, string projection, int version);

    [LoggerMessage(LogLevel.Information, "Rebuild of {Projection} v{Version}: position {Position} of head {Head} ({Progress:P1})")]
    public static partial void RebuildProgress(ILogger logger, string projection, int version, ulong position, ulong head, double progress);

    [LoggerMessage(LogLevel.Information, "Rebuild of {Projection} swapped in: v{Version} is live (checksum {Checksum}, previous {PreviousChecksum})")]
    public static partial void RebuildSwapped(ILogger logger, string projection, int version, string checksum, string? previousChecksum);

    [LoggerMessage(LogLevel.Warning, "Rebuild of {Projection} v{Version}: swapped at a position the previous version had not reached; checksums not compared")]
    public static partial void SwappedWithoutComparison(ILogger logger, string projection, int version);

    [LoggerMessage(LogLevel.Information, "Projection {Projection} retired v{Version} (tables dropped)")]
    public static partial void Retired(ILogger logger, string projection, int version);

    [LoggerMessage(LogLevel.Error, "Rebuild request of {Projection} failed and is cleared (the error is in rm.projections; a new request tries again)")]
    public static partial void RebuildRequestFailed(ILogger logger, string projection, Exception exception);

    [LoggerMessage(LogLevel.Error, "Rebuild of {Projection} v{Version} failed and is given up; the live version goes on (the error is in rm.projections; a new request tries again)")]
    public static partial void RebuildFailed(ILogger logger, string projection, int version, Exception exception);

    [LoggerMessage(LogLevel.Error, "Runner of projection {Projection} v{Version} ended on its own; starting another")]
    public static partial void RunnerEnded(ILogger logger, string projection, int version, Exception? exception);

    [LoggerMessage(LogLevel.Error, "Supervisor of projection {Projection} failed; retrying")]
    public static partial void SupervisorFailed(ILogger logger, string projection, Exception exception);
}
