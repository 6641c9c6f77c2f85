using System.Security.Cryptography;

namespace ContactSync.AppHost;

/// <summary>The operator key: <c>ContactSync__OperatorKey</c> when set, else generated for this run.</summary>
internal static class Secrets
{
    public static string OperatorKey { get; } =
        Environment.GetEnvironmentVariable("ContactSync__OperatorKey") is { Length: > 0 } configured
            ? configured
            : "op_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
