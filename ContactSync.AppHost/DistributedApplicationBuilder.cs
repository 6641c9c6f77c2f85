namespace ContactSync.AppHost;

/// <summary>Declares resources in start order (Aspire's <c>IDistributedApplicationBuilder</c>, trimmed).</summary>
public sealed class DistributedApplicationBuilder(string[] args)
{
    private readonly List<Resource> _resources = [];

    public string[] Args { get; } = args;

    /// <summary>The repository root (the folder holding ContactSync.sln), found from the launcher's location.</summary>
    public string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The build configuration the launcher was built with; child projects are run from the same one.</summary>
    public string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Debug";

    public PostgresServerResource AddPostgres(string name, int port) =>
        Add(new PostgresServerResource(name, Port(name, port), RepoRoot));

    public ProjectResource AddProject(string name, string projectFolder, int port) =>
        Add(new ProjectResource(name, Path.Combine(RepoRoot, projectFolder), Port(name, port), Configuration));

    public DemoResource AddDemo(string name, ProjectResource api) => Add(new DemoResource(name, api, RepoRoot));

    public DistributedApplication Build() => DistributedApplication.Create(_resources, RepoRoot);

    private T Add<T>(T resource) where T : Resource
    {
        _resources.Add(resource);
        return resource;
    }

    /// <summary>Ports can be changed with <c>ContactSync__Ports__{name}</c> (environment) or
    /// <c>--port:{name}=N</c> (command line).</summary>
    private int Port(string name, int fallback)
    {
        var arg = Args.FirstOrDefault(a => a.StartsWith($"--port:{name}=", StringComparison.OrdinalIgnoreCase));
        var text = arg?.Split('=', 2)[1] ?? Environment.GetEnvironmentVariable($"ContactSync__Ports__{name}");
        if (text is null) return fallback;
        return int.TryParse(text, out var port) && port is > 0 and < 65536
            ? port
            : throw new LaunchException($"Port for '{name}' must be a number between 1 and 65535, got '{text}'.");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ContactSync.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
