using System.Collections.Concurrent;
using ContactSync.Sandbox.OAuth;
using ContactSync.Sandbox.Graph.Store;
using Microsoft.Extensions.Options;

namespace ContactSync.Sandbox.Graph.OAuth;

public sealed record AuthorizationCode(string MailboxId, string ClientId, string RedirectUri, string Scope, PkceChallenge? Pkce, DateTimeOffset ExpiresAt);

public sealed record IssuedTokens(string AccessToken, string RefreshToken, int ExpiresInSeconds, string Scope);

public enum GrantFailure { None, Unknown, Expired, Redeemed, Revoked, RedirectMismatch, ClientMismatch, VerifierMissing, VerifierMismatch }

/// <summary>
/// Authorization codes, access tokens and refresh tokens of the Microsoft identity platform emulation.
/// Tokens are opaque. Revoking an account kills its refresh tokens and, unlike real Entra ID where issued
/// access tokens live until they expire, its access tokens too, so that a revoked grant shows at once.
/// </summary>
public sealed class TokenStore(GraphStore store, TimeProvider time, IOptions<GraphEmulatorOptions> options)
{
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    private sealed record AccessGrant(string MailboxId, int Generation, DateTimeOffset ExpiresAt);
    private sealed record RefreshGrant(string MailboxId, string ClientId, string Scope, int Generation);

    private readonly ConcurrentDictionary<string, AuthorizationCode> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _redeemed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AccessGrant> _access = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RefreshGrant> _refresh = new(StringComparer.Ordinal);

    public string IssueCode(Mailbox mailbox, string clientId, string redirectUri, string scope, PkceChallenge? pkce = null)
    {
        var code = "M.C5" + GraphIds.NewToken(48);
        _codes[code] = new AuthorizationCode(mailbox.Id, clientId, redirectUri, scope, pkce, time.GetUtcNow() + CodeLifetime);
        return code;
    }

    /// <summary>Redeems a code once (a refused one is spent too); a code issued for a PKCE challenge needs the verifier
    /// it was made from.</summary>
    public (IssuedTokens? Tokens, GrantFailure Failure) RedeemCode(string code, string clientId, string redirectUri, string? codeVerifier = null)
    {
        if (_redeemed.ContainsKey(code)) return (null, GrantFailure.Redeemed);
        if (!_codes.TryRemove(code, out var grant)) return (null, GrantFailure.Unknown);
        _redeemed[code] = 0;
        if (grant.ExpiresAt < time.GetUtcNow()) return (null, GrantFailure.Expired);
        if (grant.ClientId != clientId) return (null, GrantFailure.ClientMismatch);
        if (grant.RedirectUri != redirectUri) return (null, GrantFailure.RedirectMismatch);
        if (grant.Pkce is { } pkce)
        {
            if (string.IsNullOrEmpty(codeVerifier)) return (null, GrantFailure.VerifierMissing);
            if (!pkce.IsMetBy(codeVerifier)) return (null, GrantFailure.VerifierMismatch);
        }
        return store.Find(grant.MailboxId) is { } mailbox ? (Issue(mailbox, clientId, grant.Scope), GrantFailure.None) : (null, GrantFailure.Revoked);
    }

    /// <summary>Refresh tokens are not rotated out: the old one stays valid, so a client that lost the answer
    /// can try again.</summary>
    public (IssuedTokens? Tokens, GrantFailure Failure) Refresh(string refreshToken, string clientId)
    {
        if (!_refresh.TryGetValue(refreshToken, out var grant)) return (null, GrantFailure.Unknown);
        if (grant.ClientId != clientId) return (null, GrantFailure.ClientMismatch);
        if (store.Find(grant.MailboxId) is not { } mailbox || mailbox.GrantGeneration != grant.Generation)
            return (null, GrantFailure.Revoked);
        return (Issue(mailbox, clientId, grant.Scope), GrantFailure.None);
    }

    public string IssueAccessToken(Mailbox mailbox)
    {
        var token = "EwB" + GraphIds.NewToken(64);
        _access[token] = new AccessGrant(mailbox.Id, mailbox.GrantGeneration, time.GetUtcNow() + options.Value.AccessTokenLifetime);
        return token;
    }

    public enum AccessCheck { Valid, Missing, Invalid, Expired }

    public (Mailbox? Mailbox, AccessCheck Check) Validate(string? accessToken)
    {
        if (string.IsNullOrEmpty(accessToken)) return (null, AccessCheck.Missing);
        if (!_access.TryGetValue(accessToken, out var grant) || store.Find(grant.MailboxId) is not { } mailbox ||
            mailbox.GrantGeneration != grant.Generation)
            return (null, AccessCheck.Invalid);
        if (grant.ExpiresAt <= time.GetUtcNow())
        {
            _access.TryRemove(accessToken, out _);
            return (null, AccessCheck.Expired);
        }
        return (mailbox, AccessCheck.Valid);
    }

    /// <summary>The mailbox a token belongs to without checking expiry (concurrency accounting).</summary>
    public string? MailboxOf(string accessToken) => _access.TryGetValue(accessToken, out var g) ? g.MailboxId : null;

    /// <summary>The refresh tokens issued to a mailbox (in-process tests check that nobody stores them in clear).</summary>
    public IReadOnlyList<string> RefreshTokensOf(Mailbox mailbox) =>
        [.. _refresh.Where(kv => kv.Value.MailboxId == mailbox.Id).Select(kv => kv.Key)];

    public (List<Persistence.GraphAccessState> Access, List<Persistence.GraphRefreshState> Refresh) Export() =>
        ([.. _access.Select(kv => new Persistence.GraphAccessState(kv.Key, kv.Value.MailboxId, kv.Value.Generation, kv.Value.ExpiresAt))],
         [.. _refresh.Select(kv => new Persistence.GraphRefreshState(kv.Key, kv.Value.MailboxId, kv.Value.ClientId, kv.Value.Scope, kv.Value.Generation))]);

    public void Import(IEnumerable<Persistence.GraphAccessState> access, IEnumerable<Persistence.GraphRefreshState> refresh)
    {
        foreach (var a in access) _access[a.Token] = new AccessGrant(a.MailboxId, a.Generation, a.ExpiresAt);
        foreach (var r in refresh) _refresh[r.Token] = new RefreshGrant(r.MailboxId, r.ClientId, r.Scope, r.Generation);
    }

    public void Clear()
    {
        _codes.Clear();
        _redeemed.Clear();
        _access.Clear();
        _refresh.Clear();
    }

    private IssuedTokens Issue(Mailbox mailbox, string clientId, string scope)
    {
        var refresh = "M.C5_BAY." + GraphIds.NewToken(64);
        _refresh[refresh] = new RefreshGrant(mailbox.Id, clientId, scope, mailbox.GrantGeneration);
        return new IssuedTokens(IssueAccessToken(mailbox), refresh, (int)options.Value.AccessTokenLifetime.TotalSeconds, scope);
    }
}
