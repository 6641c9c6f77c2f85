using ContactSync.Sandbox.Control;
using ContactSync.Sandbox.Graph.Batch;
using ContactSync.Sandbox.Graph.Contacts;
using ContactSync.Sandbox.Graph.Delta;
using ContactSync.Sandbox.Graph.Folders;
using ContactSync.Sandbox.Graph.Http;
using ContactSync.Sandbox.Graph.OAuth;
using ContactSync.Sandbox.Graph.Store;
using ContactSync.Sandbox.Graph.Subscriptions;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ContactSync.Sandbox.Graph;

/// <summary>Microsoft Graph v1.0 emulator (Outlook contacts) with its OAuth endpoints, served at Graph's own
/// paths from the root of the sandbox address.</summary>
public static class GraphEmulator
{
    public static IHostApplicationBuilder AddGraphEmulator(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GraphEmulatorOptions>().BindConfiguration(GraphEmulatorOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient(NotificationDelivery.HttpClientName);
        builder.Services.AddSingleton<GraphStore>();
        builder.Services.AddSingleton<TokenStore>();
        builder.Services.AddSingleton<DeltaTokens>();
        builder.Services.AddSingleton<SubscriptionRegistry>();
        builder.Services.AddSingleton<ContactsHandler>();
        builder.Services.AddSingleton<FoldersHandler>();
        builder.Services.AddSingleton<DeltaHandler>();
        builder.Services.AddSingleton<SubscriptionsHandler>();
        builder.Services.AddSingleton<GraphRouter>();
        builder.Services.AddSingleton<BatchHandler>();
        builder.Services.AddSingleton<GraphSandbox>();
        builder.Services.AddSingleton<ISandboxEmulator>(sp => sp.GetRequiredService<GraphSandbox>());
        builder.Services.AddHostedService<NotificationDelivery>();
        return builder;
    }

    public static IEndpointRouteBuilder MapGraphEmulator(this IEndpointRouteBuilder app)
    {
        app.Map("/v1.0/{**path}", GraphEndpoint.HandleAsync).ExcludeFromDescription();
        app.MapGraphOAuth();
        app.MapGraphSandboxControl();
        return app;
    }
}
