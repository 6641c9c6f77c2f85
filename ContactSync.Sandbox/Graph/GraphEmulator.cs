namespace ContactSync.Sandbox.Graph;

/// <summary>Microsoft Graph v1.0 emulator (placeholder until the emulator lands).</summary>
public static class GraphEmulator
{
    public static IHostApplicationBuilder AddGraphEmulator(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapGraphEmulator(this IEndpointRouteBuilder app) => app;
}
