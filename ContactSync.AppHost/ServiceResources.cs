using System.Net.Http.Headers;

namespace ContactSync.AppHost;

/// <summary>What every ContactSync service gets from the AppHost, and the dashboard commands on their rows.</summary>
internal static class ServiceResources
{
    public static IResourceBuilder<ProjectResource> WithServiceDefaults(this IResourceBuilder<ProjectResource> project, IDistributedApplicationBuilder builder) =>
        project
            // Without a launch profile nothing else names the environment; the services follow the AppHost's.
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithEnvironment("ContactSync__ExposeHealth", "true")
            .WithEnvironment("Logging__Console__FormatterName", "simple")
            .WithEnvironment("Logging__Console__FormatterOptions__SingleLine", "true");

    /// <summary>The operator key, and the key that seals the provider accounts' refresh tokens.</summary>
    public static IResourceBuilder<ProjectResource> WithKeys(this IResourceBuilder<ProjectResource> project, AppHostSettings settings) =>
        project
            .WithEnvironment("ContactSync__OperatorKey", settings.OperatorKey)
            .WithEnvironment("ContactSync__GrantKeys__Current", AppHostSettings.GrantKeyId)
            .WithEnvironment($"ContactSync__GrantKeys__Keys__{AppHostSettings.GrantKeyId}", settings.GrantKey);

    public static IResourceBuilder<ProjectResource> WithRebuildProjectionCommand(this IResourceBuilder<ProjectResource> api, string projection, AppHostSettings settings) =>
        api.WithHttpCommand($"/api/ops/projections/{projection}/rebuild", $"Rebuild the {projection} projection",
            commandName: $"rebuild-{projection}",
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Post,
                Description = $"Rebuilds the {projection} read model from the event log (POST /api/ops/projections/{projection}/rebuild, operator key).",
                ConfirmationMessage = $"Rebuild the {projection} projection from the whole event log?",
                IconName = "ArrowSync",
                PrepareRequest = context =>
                {
                    context.Request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.OperatorKey);
                    return Task.CompletedTask;
                },
            });

    public static IResourceBuilder<ProjectResource> WithSyncAllCommand(this IResourceBuilder<ProjectResource> api, AppHostSettings settings) =>
        api.WithHttpCommand("/api/ops/connections/sync", "Sync every connection now",
            commandName: "sync-all",
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Post,
                Description = "Asks every active connection of every tenant to sync now (POST /api/ops/connections/sync, operator key).",
                IconName = "ArrowSyncCircle",
                PrepareRequest = context =>
                {
                    context.Request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.OperatorKey);
                    return Task.CompletedTask;
                },
            });

    public static IResourceBuilder<ProjectResource> WithSandboxResetCommand(this IResourceBuilder<ProjectResource> sandbox) =>
        sandbox.WithHttpCommand("/_sandbox/reset", "Reset the sandbox",
            commandName: "reset-sandbox",
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Post,
                Description = "Clears every emulated Google and Microsoft account, contact, token and fault (POST /_sandbox/reset).",
                ConfirmationMessage = "Clear every emulated account and contact in the sandbox?",
                IconName = "ArrowReset",
            });
}
