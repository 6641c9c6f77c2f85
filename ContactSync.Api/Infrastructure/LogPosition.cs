using System.Globalization;
using ContactSync.EventStore;

namespace ContactSync.Api.Infrastructure;

/// <summary>The wire form of a log position, <c>&lt;commit&gt;.&lt;prepare&gt;</c> (header <c>X-Log-Position</c>, <c>?minPosition=</c>, history).</summary>
public static class LogPosition
{
    public const string Header = "X-Log-Position";

    public static string Format(Position p) => string.Create(CultureInfo.InvariantCulture, $"{p.Commit}.{p.Prepare}");

    public static bool TryParse(string? text, out Position position)
    {
        position = default;
        if (string.IsNullOrEmpty(text) || text.Length > 41) return false;
        var dot = text.IndexOf('.');
        if (dot <= 0) return false;
        if (!ulong.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var commit) ||
            !ulong.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prepare)) return false;
        position = new Position(commit, prepare);
        return true;
    }
}
