using System.ComponentModel.DataAnnotations;

namespace ContactSync.Projector.Sync;

/// <summary>The sync workers (section <c>ContactSync:Sync</c>).</summary>
public sealed class SyncOptions
{
    public const string SectionName = "ContactSync:Sync";

    /// <summary>Read at startup: false registers no workers at all (see <see cref="SyncHosting.AddSyncWorkers"/>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the supervisor looks for connections to take or give up, and checks its lock session.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>CRM changes are collected this long before a worker runs, so a burst of edits is one push.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>First wait after a failed run; it doubles (with jitter) up to <see cref="MaxBackoff"/> (rule 12).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan Backoff { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Overrides every connection's poll interval (tests and demos); null uses the connection's setting.</summary>
    public TimeSpan? PollOverride { get; set; }

    /// <summary>The API's public address (<c>ContactSync:PublicUrl</c>, bound by <see cref="SyncHosting"/>): when set,
    /// Outlook connections subscribe to change notifications at <c>{PublicUrl}/api/webhooks/microsoft</c> (rule 13);
    /// when not, they poll.</summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>How long a change-notification subscription is asked for (Outlook contacts allow at most 4,230
    /// minutes); it is renewed when half of it is left.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "2.22:30:00")]
    public TimeSpan NotificationLifetime { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Wait before trying again to subscribe after a failure (the connection polls meanwhile).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan NotificationRetry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a provider's listings and change feeds may lag its writes (Google: "several minutes",
    /// providers.md). A create whose answer was lost is looked up by its CRM id only after this long, and sent again
    /// only if that finds nothing (rule 8).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ProviderLag { get; set; } = TimeSpan.FromMinutes(5);
}
