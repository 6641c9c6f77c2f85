using System.Collections.Concurrent;

namespace ContactSync.Sandbox.Google.Store;

/// <summary>
/// Issued sync tokens. They are opaque server-side handles (as Google's are to clients), so that expiry by age,
/// by <see cref="ExpireAll"/> and unknown tokens all fail the same way.
/// </summary>
public sealed class SyncTokens(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Issued> _issued = new(StringComparer.Ordinal);

    public string Issue(GoogleAccount account, long seq, string kind)
    {
        var token = "Ep" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(30)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _issued[token] = new Issued(account, seq, kind, clock.GetUtcNow());
        return token;
    }

    /// <summary>The sequence number a token stands for, or null when it is unknown, expired or another account's.</summary>
    public long? Redeem(GoogleAccount account, string token, string kind, TimeSpan lifetime)
    {
        if (!_issued.TryGetValue(token, out var issued) || !ReferenceEquals(issued.Account, account) || issued.Kind != kind) return null;
        if (clock.GetUtcNow() - issued.At >= lifetime)
        {
            _issued.TryRemove(token, out _);
            return null;
        }
        return issued.Seq;
    }

    public void ExpireAll() => _issued.Clear();

    public List<Persistence.GoogleSyncTokenState> Export() =>
        [.. _issued.Select(kv => new Persistence.GoogleSyncTokenState(kv.Key, kv.Value.Account.Email, kv.Value.Seq, kv.Value.Kind, kv.Value.At))];

    public void Import(IEnumerable<Persistence.GoogleSyncTokenState> tokens, Func<string, GoogleAccount?> account)
    {
        foreach (var t in tokens)
            if (account(t.Email) is { } owner) _issued[t.Token] = new Issued(owner, t.Seq, t.Kind, t.At);
    }

    private sealed record Issued(GoogleAccount Account, long Seq, string Kind, DateTimeOffset At);
}
