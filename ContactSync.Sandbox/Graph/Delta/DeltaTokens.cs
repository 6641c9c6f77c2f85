using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace ContactSync.Sandbox.Graph.Delta;

/// <param name="Since">Changes after this index position belong to the round.</param>
/// <param name="UpTo">For a skip token: the round's end position, fixed when the round started.</param>
/// <param name="Initial">Whether the round is the initial full enumeration (no tombstones).</param>
public sealed record DeltaState(
    string MailboxId, string FolderId, long Since, long UpTo, bool Initial, string? Select, int Generation, DateTimeOffset IssuedAt);

/// <summary>
/// Issues and checks <c>$skiptoken</c>/<c>$deltatoken</c> values. The state travels inside the token, as in
/// Graph, so the client copies links verbatim; a token from before <see cref="ExpireAll"/>, older than the
/// configured lifetime, for another mailbox or folder, or not decodable is "not found" (410).
/// </summary>
public sealed class DeltaTokens(TimeProvider time, IOptions<GraphEmulatorOptions> options)
{
    private int _generation;

    public int Generation => Volatile.Read(ref _generation);

    public void ExpireAll() => Interlocked.Increment(ref _generation);

    /// <summary>Restores the generation of a saved state, so its delta links stay valid.</summary>
    public void RestoreGeneration(int generation) => Volatile.Write(ref _generation, generation);

    public DeltaState NewState(string mailboxId, string folderId, long since, long upTo, bool initial, string? select) =>
        new(mailboxId, folderId, since, upTo, initial, select, Generation, time.GetUtcNow());

    public string Encode(DeltaState s)
    {
        var raw = string.Join('\n', s.MailboxId, s.FolderId, s.Since.ToString(CultureInfo.InvariantCulture),
            s.UpTo.ToString(CultureInfo.InvariantCulture), s.Initial ? "1" : "0", s.Select ?? "",
            s.Generation.ToString(CultureInfo.InvariantCulture), s.IssuedAt.UtcTicks.ToString(CultureInfo.InvariantCulture));
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(raw)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public DeltaState? Decode(string token, string mailboxId, string folderId)
    {
        string[] parts;
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('\n');
        }
        catch (FormatException)
        {
            return null;
        }
        if (parts.Length != 8 || parts[0] != mailboxId || parts[1] != folderId ||
            !long.TryParse(parts[2], CultureInfo.InvariantCulture, out var since) ||
            !long.TryParse(parts[3], CultureInfo.InvariantCulture, out var upTo) ||
            !int.TryParse(parts[6], CultureInfo.InvariantCulture, out var generation) ||
            !long.TryParse(parts[7], CultureInfo.InvariantCulture, out var ticks))
            return null;
        var issued = new DateTimeOffset(ticks, TimeSpan.Zero);
        if (generation != Generation || time.GetUtcNow() - issued > options.Value.DeltaTokenLifetime) return null;
        return new DeltaState(mailboxId, folderId, since, upTo, parts[4] == "1", parts[5].Length == 0 ? null : parts[5], generation, issued);
    }
}
