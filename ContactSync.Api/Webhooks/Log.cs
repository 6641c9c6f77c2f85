namespace ContactSync.Api.Webhooks;

internal static partial class Log
{
    [LoggerMessage(LogLevel.Warning, "A change notification with a clientState this service did not issue was refused (from {Remote})")]
    public static partial void ForgedNotification(ILogger logger, string? remote);

    [LoggerMessage(LogLevel.Warning, "A change notification for connection {ConnectionId} could not be recorded; its next poll picks the changes up")]
    public static partial void NotificationNotRecorded(ILogger logger, Guid connectionId, Exception exception);
}
