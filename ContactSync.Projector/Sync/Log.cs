using ContactSync.Domain.Sync;
using Microsoft.Extensions.Logging;

namespace ContactSync.Projector.Sync;

internal static partial class Log
{
    [LoggerMessage(LogLevel.Information, "Sync of connection {ConnectionId}: a {Kind} run completed")]
    public static partial void SyncRunCompleted(ILogger logger, Guid connectionId, RunKind kind);

    [LoggerMessage(LogLevel.Warning, "Sync of connection {ConnectionId} is throttled by the provider; next try in {Wait}")]
    public static partial void SyncThrottled(ILogger logger, Guid connectionId, TimeSpan wait);

    [LoggerMessage(LogLevel.Warning, "Sync run of connection {ConnectionId} failed; next try in {Wait}")]
    public static partial void SyncRunFailed(ILogger logger, Guid connectionId, TimeSpan wait, Exception exception);

    [LoggerMessage(LogLevel.Warning, "The end of a failed sync run of connection {ConnectionId} could not be recorded; the next run closes it")]
    public static partial void RunEndNotRecorded(ILogger logger, Guid connectionId, Exception exception);

    [LoggerMessage(LogLevel.Information, "Sync worker of connection {ConnectionId} started on this instance")]
    public static partial void WorkerStarted(ILogger logger, Guid connectionId);

    [LoggerMessage(LogLevel.Information, "Sync worker of connection {ConnectionId} stopped")]
    public static partial void WorkerStopped(ILogger logger, Guid connectionId);

    [LoggerMessage(LogLevel.Warning, "The change notifications of disconnected connection {ConnectionId} could not be ended at the provider; they lapse when the subscription expires")]
    public static partial void WorkerNotRetired(ILogger logger, Guid connectionId, Exception exception);

    [LoggerMessage(LogLevel.Error, "Sync worker of connection {ConnectionId} faulted; it restarts on the next scan")]
    public static partial void WorkerFaulted(ILogger logger, Guid connectionId, Exception exception);

    [LoggerMessage(LogLevel.Error, "The session holding this instance's connection locks was lost; every sync worker stops")]
    public static partial void LocksLost(ILogger logger);

    [LoggerMessage(LogLevel.Error, "Sync supervisor failed; restarting")]
    public static partial void SupervisorFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Information, "Connection {ConnectionId} gets change notifications until {ExpiresAt}")]
    public static partial void NotificationsSubscribed(ILogger logger, Guid connectionId, DateTimeOffset expiresAt);

    [LoggerMessage(LogLevel.Warning, "Change notifications for connection {ConnectionId} could not be set up; it polls, and tries again in {Retry}")]
    public static partial void NotificationsFailed(ILogger logger, Guid connectionId, TimeSpan retry, Exception exception);
}
