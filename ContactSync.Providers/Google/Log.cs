using Microsoft.Extensions.Logging;

namespace ContactSync.Providers.Google;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Retrying Google {Method} {Path} after {Reason} (attempt {Attempt}, waiting {Delay})")]
    public static partial void RetryingGoogleRequest(ILogger logger, string method, string? path, string reason, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Google create outcome unknown ({Reason}); looking up {Count} CRM ids before sending again")]
    public static partial void RecoveringAmbiguousCreate(ILogger logger, string reason, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Google batch {Method} failed as a whole ({Reason}); applying its {Count} items one by one")]
    public static partial void FallingBackToSingleWrites(ILogger logger, string method, string reason, int count);
}
