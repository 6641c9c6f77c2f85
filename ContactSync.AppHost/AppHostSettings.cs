using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace ContactSync.AppHost;

/// <summary>
/// What the AppHost reads from its configuration (environment, command line <c>--Key=value</c>, appsettings):
/// <list type="bullet">
/// <item><c>ContactSync:Ports:{resource}</c>: a resource's port instead of its default.</item>
/// <item><c>ContactSync:DataDirectory</c>: the PostgreSQL cluster, the grant key and the demo's state
/// (default <c>ContactSync.AppHost/.data</c>, git-ignored, reused on the next run).</item>
/// <item><c>ContactSync:ResourcesFile</c>: where addresses and keys are written (default <c>.contactsync/resources.json</c>).</item>
/// <item><c>ContactSync:OperatorKey</c>: the operator key, else one generated for this run (<c>op_</c> + 32 bytes from
/// <see cref="RandomNumberGenerator"/>, base64url: the API refuses a key of fewer than 32 random bytes).</item>
/// <item><c>ContactSync:GrantKeys:Keys:dev</c>: the key sealing refresh tokens, else one generated once into the data folder
/// (the grants sealed with it must stay readable on the next run).</item>
/// </list>
/// </summary>
internal sealed class AppHostSettings
{
    public const string GrantKeyId = "dev";

    private readonly IConfiguration _configuration;

    private AppHostSettings(IConfiguration configuration, string appHostDirectory)
    {
        _configuration = configuration;
        DataDirectory = Path.GetFullPath(configuration["ContactSync:DataDirectory"] is { Length: > 0 } data
            ? data
            : Path.Combine(appHostDirectory, ".data"));
        ResourcesFile = Path.GetFullPath(configuration["ContactSync:ResourcesFile"] is { Length: > 0 } file
            ? file
            : Path.Combine(appHostDirectory, "..", ".contactsync", "resources.json"));
        OperatorKey = configuration["ContactSync:OperatorKey"] is { Length: > 0 } key
            ? key
            : "op_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        GrantKey = configuration[$"ContactSync:GrantKeys:Keys:{GrantKeyId}"] is { Length: > 0 } grant ? grant : StoredGrantKey(DataDirectory);
    }

    public static AppHostSettings From(IDistributedApplicationBuilder builder) => new(builder.Configuration, builder.AppHostDirectory);

    public string DataDirectory { get; }
    public string ResourcesFile { get; }
    public string OperatorKey { get; }
    public string GrantKey { get; }

    /// <summary>The dashboard's address (the AppHost's launch profile), or null when it does not run (tests).</summary>
    public string? DashboardUrl => _configuration["ASPNETCORE_URLS"]?.Split(';')[0] is { Length: > 0 } url ? url.TrimEnd('/') : null;

    /// <summary>The dashboard's login link with this run's token (none when the dashboard allows anonymous access).</summary>
    public string? DashboardLoginUrl => DashboardUrl is { } url && _configuration["AppHost:BrowserToken"] is { Length: > 0 } token
        ? $"{url}/login?t={token}"
        : DashboardUrl;

    public IConfiguration Configuration => _configuration;

    public int Port(string resource, int fallback)
    {
        var text = _configuration[$"ContactSync:Ports:{resource}"];
        if (string.IsNullOrEmpty(text)) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new InvalidOperationException($"ContactSync:Ports:{resource} must be a port number (1-65535), got '{text}'.");
    }

    private static string StoredGrantKey(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, "grant-key");
        if (File.Exists(file)) return File.ReadAllText(file).Trim();
        Directory.CreateDirectory(dataDirectory);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(file, key);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }
}
