namespace ContactSync.AppHost;

/// <summary>Something the launcher starts, waits for and stops.</summary>
public abstract class Resource(string name)
{
    public string Name { get; } = name;

    /// <summary>Resources that must be healthy before this one starts.</summary>
    public List<Resource> WaitsFor { get; } = [];

    /// <summary>The address printed and written to resources.json, if the resource has one.</summary>
    public virtual string? Url => null;

    public abstract Task StartAsync(CancellationToken ct);

    public abstract Task WaitHealthyAsync(CancellationToken ct);

    /// <summary>Completes when the resource stops by itself.</summary>
    public abstract Task<Resource> Exited(CancellationToken ct);

    public abstract Task StopAsync();
}

/// <summary>A resource that others can reference through a connection string (ConnectionStrings__{name}).</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }
    string ConnectionString { get; }
}
