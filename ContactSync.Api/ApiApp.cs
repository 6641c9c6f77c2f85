using ContactSync.Api.Webhooks;
using ContactSync.Api.Accounts;
using ContactSync.Api.Audit;
using ContactSync.Api.Auth;
using ContactSync.Api.Connections;
using ContactSync.Api.Contacts;
using ContactSync.Api.Dashboard;
using ContactSync.Api.Infrastructure;
using ContactSync.Api.Lists;
using ContactSync.Api.Ops;
using ContactSync.Api.Roles;
using ContactSync.Api.Tenants;
using ContactSync.Api.Users;
using ContactSync.Providers.Accounts;

namespace ContactSync.Api;

/// <summary>
/// Builds the API host. Program.cs runs it; tests and benchmarks call it with their own configuration and a
/// free port, several hosts per process if they like (nothing here is static or process-wide).
/// </summary>
public static class ApiApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults();
        builder.AddApiInfrastructure();
        builder.AddPostgresEventStore();
        builder.AddApiOptions();
        builder.AddPublicAddress();
        builder.AddReadYourWrites();
        builder.AddApiKeyAuthentication();
        builder.AddTenantRateLimiting();
        builder.AddProviderAccounts();
        builder.AddAccountsApi();
        var events = builder.Configuration.GetConnectionString("events")!;
        builder.Services.AddSingleton(_ => new ReadModelDb(ReadModelDb.Create(events)));
        builder.Services.AddSingleton<DirectoryReads>().AddSingleton<UserReads>().AddSingleton<ContactReads>()
            .AddSingleton<ListReads>().AddSingleton<ProjectionStatusReads>()
            .AddSingleton<ConnectionReads>().AddSingleton<ConnectionActivityReads>().AddSingleton<OpsConnectionReads>()
            .AddSingleton<NotificationInbox>().AddSingleton<PreviewGate>();

        var app = builder.Build();
        app.UseApiInfrastructure();
        app.UseApiKeyAuthentication();
        app.UseRateLimiter();
        app.MapDefaultEndpoints();
        app.MapTenantsApi();
        app.MapRolesApi();
        app.MapUsersApi();
        app.MapContactsApi();
        app.MapContactHistoryApi();
        app.MapListsApi();
        app.MapConnectionsApi();
        app.MapConnectionActivityApi();
        app.MapAuditApi();
        app.MapDashboardApi();
        app.MapOpsApi();
        app.MapOpsPage();
        app.MapAccountsApi();
        app.MapWebhooksApi();
        return app;
    }
}
