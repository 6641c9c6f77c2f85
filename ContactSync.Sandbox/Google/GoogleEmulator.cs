using ContactSync.Sandbox.Control;
using ContactSync.Sandbox.Google.Groups;
using ContactSync.Sandbox.Google.OAuth;
using ContactSync.Sandbox.Google.People;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ContactSync.Sandbox.Google;

/// <summary>Google People API v1 emulator: registration and routes, at Google's own paths from the root.</summary>
public static class GoogleEmulator
{
    public static IHostApplicationBuilder AddGoogleEmulator(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GoogleEmulatorOptions>()
            .BindConfiguration(GoogleEmulatorOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.AccessTokenLifetime > TimeSpan.Zero && o.SyncTokenLifetime > TimeSpan.Zero, "Lifetimes must be positive.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<GoogleSandbox>();
        builder.Services.AddSingleton<ISandboxEmulator>(sp => sp.GetRequiredService<GoogleSandbox>());
        return builder;
    }

    public static IEndpointRouteBuilder MapGoogleEmulator(this IEndpointRouteBuilder app)
    {
        var google = app.ServiceProvider.GetRequiredService<GoogleSandbox>();
        app.MapGoogleOAuth(google);
        app.MapPeopleReads(google);
        app.MapPeopleWrites(google);
        app.MapPeopleBatches(google);
        app.MapContactGroups(google);
        app.MapGet("v1/otherContacts", context => ListOtherContacts(context, google));
        // Anything else under Google's prefixes answers in Google's error format rather than an empty 404/405.
        app.Map("v1/people/{**rest}", context => GoogleError.NotFound().WriteAsync(context));
        app.Map("v1/contactGroups/{**rest}", context => GoogleError.NotFound().WriteAsync(context));
        app.MapPost("_sandbox/google/accounts/{email}/revoke", (string email) =>
            TypedResults.Ok(new RevokedGrants(email, google.RevokeGrants(email))));
        return app;
    }

    public sealed record RevokedGrants(string Email, int Revoked);

    /// <summary>The emulated accounts have no auto-created "other contacts": the list is always empty.</summary>
    private static async Task ListOtherContacts(HttpContext context, GoogleSandbox google)
    {
        if (google.Authenticate(context) is null)
        {
            await GoogleError.Unauthenticated().WriteAsync(context);
            return;
        }
        if (await PeopleReadEndpoints.ReadMaskAsync(context, "readMask", required: true) is null) return;
        await GoogleHttp.WriteJsonAsync(context, 200, writer => writer.WriteNumber("totalSize", 0));
    }
}
