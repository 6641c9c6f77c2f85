namespace ContactSync.Api.Infrastructure;

/// <summary>The projections (shared contract with the projector): each is also its checkpoint name plus <c>@v&lt;version&gt;</c>.</summary>
public static class ProjectionNames
{
    public const string Directory = "directory";
    public const string Contacts = "contacts";
    public const string Dashboard = "dashboard";
    public const string Audit = "audit";
    public const string Accounts = "accounts";
    public const string Connections = "connections";

    public static IReadOnlyList<string> All { get; } = [Directory, Contacts, Dashboard, Audit, Accounts, Connections];
}
