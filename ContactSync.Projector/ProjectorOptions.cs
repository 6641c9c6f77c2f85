using System.ComponentModel.DataAnnotations;

namespace ContactSync.Projector;

/// <summary>Tuning of the projector (section <c>ContactSync:Projector</c>).</summary>
public sealed class ProjectorOptions
{
    public const string SectionName = "ContactSync:Projector";

    /// <summary>Events behind the head above which health reports Degraded.</summary>
    [Range(1, long.MaxValue)]
    public long MaxLag { get; set; } = 1_000;

    /// <summary>
    /// Most events per transaction. Catching up fills whole batches; live, a batch holds only what arrived since the
    /// last one, so the same limit gives large batches on replay and small ones at the head. On replay a contact
    /// touched by several events of a batch is written once per batch, so larger batches write less: 1,000,000
    /// events rebuild in about 43 s with 20,000 against 47-55 s with 5,000 (the rebuild benchmark runs with this value).
    /// </summary>
    [Range(1, 50_000)]
    public int BatchSize { get; set; } = 20_000;

    /// <summary>How often each projection's supervisor checks for version changes and rebuild requests.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ControlInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often catch-up and rebuild progress is logged.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ProgressLogInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a standby instance tries to take over a projection.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan StandbyRetry { get; set; } = TimeSpan.FromSeconds(2);
}
