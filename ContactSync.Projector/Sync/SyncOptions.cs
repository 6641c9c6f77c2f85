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
}
