namespace ContactSync.Sandbox.Google;

/// <summary>Google People API v1 emulator (placeholder until the emulator lands).</summary>
public static class GoogleEmulator
{
    public static IHostApplicationBuilder AddGoogleEmulator(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapGoogleEmulator(this IEndpointRouteBuilder app) => app;
}
