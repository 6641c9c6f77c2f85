using Microsoft.Extensions.Logging;

namespace ContactSync.Providers.Accounts;

/// <summary>Account events worth a line. Grants and tokens are never arguments.</summary>
internal static partial class Log
{
    [LoggerMessage(LogLevel.Warning, "Account {AccountId} ({Provider}) needs re-auth: the provider refused its grant")]
    public static partial void ReauthRequired(ILogger logger, Guid accountId, string provider);

    [LoggerMessage(LogLevel.Error, "Could not record that account {AccountId} needs re-auth")]
    public static partial void ReauthNotRecorded(ILogger logger, Guid accountId, Exception exception);

    [LoggerMessage(LogLevel.Information, "Account {AccountId}: the provider rotated the refresh token; the new one is stored sealed")]
    public static partial void GrantRotated(ILogger logger, Guid accountId);
}
