using System.ComponentModel.DataAnnotations;

namespace ContactSync.Sandbox.Graph;

/// <summary>Knobs of the Graph emulator (configuration section <c>Sandbox:Graph</c>).</summary>
public sealed class GraphEmulatorOptions
{
    public const string SectionName = "Sandbox:Graph";

    /// <summary>How long delta and skip tokens stay valid. Outlook's lifetime "is not fixed" (cache size);
    /// a week keeps demos working while tests shorten it through a fake TimeProvider.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan DeltaTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Delta page size when the client sends no <c>Prefer: odata.maxpagesize</c> (unconfirmed in Graph).</summary>
    [Range(1, 1000)]
    public int DefaultDeltaPageSize { get; set; } = 10;

    /// <summary>How long the subscriber has to answer the validation handshake.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:01:00")]
    public TimeSpan ValidationTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
