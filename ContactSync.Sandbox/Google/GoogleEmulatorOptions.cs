using System.ComponentModel.DataAnnotations;

namespace ContactSync.Sandbox.Google;

/// <summary>Limits and lifetimes of the Google emulator (Google's own values by default).</summary>
public sealed class GoogleEmulatorOptions
{
    public const string SectionName = "Sandbox:Google";

    /// <summary>Lifetime of access tokens (Google: one hour).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Lifetime of sync tokens ("Sync tokens expire 7 days after the full sync").</summary>
    public TimeSpan SyncTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Contacts per account (Google: 25,000).</summary>
    [Range(1, 1_000_000)]
    public int MaxContacts { get; set; } = 25_000;
}
