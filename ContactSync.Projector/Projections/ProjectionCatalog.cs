using ContactSync.Projector.Accounts;
using ContactSync.Projector.Audit;
using ContactSync.Projector.Contacts;
using ContactSync.Projector.Dashboard;
using ContactSync.Projector.Directory;
using ContactSync.Projector.Sync;

namespace ContactSync.Projector.Projections;

/// <summary>Every projection the projector runs; the names are part of the read-model contract with the API.</summary>
internal static class ProjectionCatalog
{
    public static IReadOnlyList<ProjectionDefinition> All { get; } =
    [
        DirectoryProjection.Definition,
        ContactsProjection.Definition,
        DashboardProjection.Definition,
        AuditProjection.Definition,
        AccountsProjection.Definition,
        ConnectionsProjection.Definition,
    ];

    public static ProjectionDefinition? Find(string name) => All.FirstOrDefault(p => p.Name == name);
}
