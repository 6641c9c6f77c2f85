using System.ComponentModel.DataAnnotations;

namespace ContactSync.Api.Infrastructure;

/// <summary>Tunables of the API (<c>ContactSync:Api</c>).</summary>
public sealed class ApiOptions
{
    public const string SectionName = "ContactSync:Api";

    /// <summary>How long a write waits for the projections to include it before answering (it succeeded either way).</summary>
    [Range(0, 60_000)]
    public int ProjectionWaitMs { get; set; } = 3000;

    /// <summary>How often the shared poller reads the checkpoints while somebody waits.</summary>
    [Range(1, 1000)]
    public int ProjectionPollMs { get; set; } = 5;

    /// <summary>How long a resolved API key is cached: the longest delay before a revoked key or a deactivated
    /// user is refused by another API instance (the instance that revokes forgets the key at once).</summary>
    [Range(0, 3600)]
    public int KeyCacheSeconds { get; set; } = 10;

    /// <summary>Age after which a user's e-mail reservation whose holder does not have the address is taken over (a
    /// process stopped between reserving and writing the user); longer than any request takes.</summary>
    [Range(0, 86_400)]
    public int EmailReservationStaleSeconds { get; set; } = 60;

    /// <summary>Age after which a provider group's reservation whose connection was never written (or is disconnected)
    /// is taken over; longer than any request takes.</summary>
    [Range(0, 86_400)]
    public int GroupReservationStaleSeconds { get; set; } = 60;

    /// <summary>Per-tenant token bucket: burst size.</summary>
    [Range(1, int.MaxValue)]
    public int RateLimitBurst { get; set; } = 2000;

    /// <summary>Per-tenant token bucket: tokens added per second.</summary>
    [Range(1, int.MaxValue)]
    public int RateLimitPerSecond { get; set; } = 1000;

    /// <summary>Refused API keys one client address may send per window before the next ones get 429 (valid keys still pass).</summary>
    [Range(1, int.MaxValue)]
    public int AuthFailureLimit { get; set; } = 10;

    /// <summary>The window (seconds) <see cref="AuthFailureLimit"/> counts in; a limited address's refused keys get 429 until it ends.</summary>
    [Range(1, 86_400)]
    public int AuthFailureWindowSeconds { get; set; } = 60;

    /// <summary>How often a write is retried on a concurrent change when the client sent no If-Match.</summary>
    [Range(1, 50)]
    public int WriteAttempts { get; set; } = 10;
}

public static class ApiOptionsExtensions
{
    public static IHostApplicationBuilder AddApiOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
