using ContactSync.Providers.Google;
using ContactSync.Providers.Microsoft;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContactSync.Providers.Accounts;

/// <summary>
/// Registers what a host needs to reach connected accounts: the grant keys (<see cref="GrantKeyOptions"/>), both
/// providers' OAuth clients (<c>Providers:Google</c>, <c>Providers:Microsoft</c>; every endpoint configurable), the
/// <see cref="IProviderAuthorization"/> of each and <see cref="ProviderSessions"/>. The host registers the event store.
/// </summary>
/// <remarks>
/// <c>Providers:SandboxUri</c> (else the Aspire reference <c>services:sandbox:http:0</c>) points both providers at the
/// sandbox, with a sandbox client id unless one is configured. Every option is validated at startup.
/// </remarks>
public static class ProviderAccountsExtensions
{
    public const string SandboxUriKey = "Providers:SandboxUri";
    private const string SandboxClientId = "contactsync-sandbox";
    private const string SandboxClientSecret = "sandbox-secret";

    public static IHostApplicationBuilder AddProviderAccounts(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var sandbox = SandboxUri(builder.Configuration);
        services.AddOptions<GrantKeyOptions>().BindConfiguration(GrantKeyOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrantKeyOptions>, GrantKeyOptionsValidator>());
        services.AddOptions<GoogleProviderOptions>().BindConfiguration(GoogleProviderOptions.SectionName)
            .PostConfigure(o => UseSandbox(o, sandbox)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MicrosoftProviderOptions>().BindConfiguration(MicrosoftProviderOptions.SectionName)
            .PostConfigure(o => UseSandbox(o, sandbox)).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GrantProtector>();
        services.AddSingleton<NotificationClientState>();
        services.AddSingleton(sp => new GoogleOAuth(sp.GetRequiredService<IOptions<GoogleProviderOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<GoogleOAuth>()));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<MicrosoftProviderOptions>>().Value);
        services.AddHttpClient(nameof(MicrosoftAuthorization));
        services.AddSingleton<IProviderAuthorization>(sp => sp.GetRequiredService<GoogleOAuth>());
        services.AddSingleton<IProviderAuthorization>(sp => new MicrosoftAuthorization(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(MicrosoftAuthorization)),
            sp.GetRequiredService<MicrosoftProviderOptions>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ProviderSessions>();
        return builder;
    }

    private static Uri? SandboxUri(IConfiguration configuration)
    {
        var value = configuration[SandboxUriKey] is { Length: > 0 } configured ? configured : configuration["services:sandbox:http:0"];
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!Uri.TryCreate(value.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"{SandboxUriKey} must be an absolute http(s) address.");
        return uri;
    }

    private static void UseSandbox(GoogleProviderOptions o, Uri? root)
    {
        if (root is null) return;
        var sandbox = GoogleProviderOptions.ForRoot(root, "", "");
        (o.ApiBaseUri, o.AuthUri, o.TokenUri, o.RevokeUri, o.UserInfoUri) = (sandbox.ApiBaseUri, sandbox.AuthUri, sandbox.TokenUri, sandbox.RevokeUri, sandbox.UserInfoUri);
        if (string.IsNullOrEmpty(o.ClientId)) o.ClientId = SandboxClientId;
        if (string.IsNullOrEmpty(o.ClientSecret)) o.ClientSecret = SandboxClientSecret;
    }

    private static void UseSandbox(MicrosoftProviderOptions o, Uri? root)
    {
        if (root is null) return;
        o.GraphBaseUri = new Uri(root, "v1.0");
        o.AuthorityUri = root;
        if (string.IsNullOrEmpty(o.ClientId)) o.ClientId = SandboxClientId;
        if (string.IsNullOrEmpty(o.ClientSecret)) o.ClientSecret = SandboxClientSecret;
    }
}
