using System.Security.Cryptography;

namespace ContactSync.AppHost;

/// <summary>
/// The operator key: <c>ContactSync__OperatorKey</c> when set, else generated for this run. The key that seals the
/// provider accounts' refresh tokens: <c>ContactSync__GrantKeys__Keys__dev</c> when set, else generated once and kept
/// in the git-ignored data folder beside the database (the grants sealed with it must stay readable on the next run).
/// </summary>
internal static class Secrets
{
    public const string GrantKeyId = "dev";

    public static string GrantKey(string repoRoot)
    {
        if (Environment.GetEnvironmentVariable("ContactSync__GrantKeys__Keys__" + GrantKeyId) is { Length: > 0 } configured) return configured;
        var file = Path.Combine(repoRoot, "ContactSync.AppHost", ".data", "grant-key");
        if (File.Exists(file)) return File.ReadAllText(file).Trim();
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(file, key);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }

    public static string OperatorKey { get; } =
        Environment.GetEnvironmentVariable("ContactSync__OperatorKey") is { Length: > 0 } configured
            ? configured
            : "op_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
