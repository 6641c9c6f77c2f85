using System.Collections.Concurrent;
using ContactSync.Sandbox.OAuth;

namespace ContactSync.Sandbox.Google.OAuth;

/// <summary>
/// Authorization codes, grants (refresh tokens) and access tokens. Revoking a grant invalidates its refresh
/// token and every access token issued from it, as Google's revoke endpoint does.
/// </summary>
public sealed class GoogleTokens(TimeProvider clock)
{
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Code> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Grant> _grants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Access> _access = new(StringComparer.Ordinal);

    /// <summary>One consent: a refresh token and what it was issued for. Revocation is the only mutable part.</summary>
    public sealed class Grant(string email, string refreshToken, string clientId, string scope)
    {
        private volatile bool _revoked;

        public string Email { get; } = email;
        public string RefreshToken { get; } = refreshToken;
        public string ClientId { get; } = clientId;
        public string Scope { get; } = scope;

        public bool Revoked
        {
            get => _revoked;
            set => _revoked = value;
        }
    }

    private sealed record Code(string Email, string ClientId, string RedirectUri, string Scope, PkceChallenge? Pkce, DateTimeOffset Expires);

    private sealed record Access(Grant Grant, DateTimeOffset Expires);

    public string IssueCode(string email, string clientId, string redirectUri, string scope, PkceChallenge? pkce = null)
    {
        var code = "4/0A" + Random(40);
        _codes[code] = new Code(email, clientId, redirectUri, scope, pkce, clock.GetUtcNow() + CodeLifetime);
        return code;
    }

    /// <summary>Redeems a code once; no grant, with Google's error description, when it is unknown, used, expired,
    /// bound to another client/redirect, or issued for a PKCE challenge the verifier does not meet. A refused
    /// code is spent, as at Google.</summary>
    public (Grant? Grant, string? Refusal) RedeemCode(string code, string? clientId, string? redirectUri, string? codeVerifier = null)
    {
        if (!_codes.TryRemove(code, out var issued) || issued.Expires <= clock.GetUtcNow()) return (null, "Malformed auth code.");
        if (clientId is not null && clientId != issued.ClientId) return (null, "Malformed auth code.");
        if (redirectUri is not null && redirectUri != issued.RedirectUri) return (null, "Malformed auth code.");
        if (issued.Pkce is { } pkce)
        {
            if (string.IsNullOrEmpty(codeVerifier)) return (null, "Missing code verifier.");
            if (!pkce.IsMetBy(codeVerifier)) return (null, "Invalid code verifier.");
        }
        var grant = new Grant(issued.Email, "1//0g" + Random(60), issued.ClientId, issued.Scope);
        _grants[grant.RefreshToken] = grant;
        return (grant, null);
    }

    public Grant? FindGrant(string refreshToken) =>
        _grants.TryGetValue(refreshToken, out var grant) && !grant.Revoked ? grant : null;

    /// <summary>A grant for the control API's accounts, which skip the consent round trip.</summary>
    public Grant NewGrant(string email)
    {
        var grant = new Grant(email, "1//0g" + Random(60), "sandbox", "https://www.googleapis.com/auth/contacts");
        _grants[grant.RefreshToken] = grant;
        return grant;
    }

    public (string Token, TimeSpan Lifetime) IssueAccessToken(Grant grant, TimeSpan lifetime)
    {
        var token = "ya29.a0" + Random(120);
        _access[token] = new Access(grant, clock.GetUtcNow() + lifetime);
        return (token, lifetime);
    }

    /// <summary>The account e-mail a bearer token stands for, or null when it is unknown, expired or revoked.</summary>
    public string? Authenticate(string accessToken)
    {
        if (!_access.TryGetValue(accessToken, out var access)) return null;
        if (access.Grant.Revoked) return null;
        if (access.Expires <= clock.GetUtcNow())
        {
            _access.TryRemove(accessToken, out _);
            return null;
        }
        return access.Grant.Email;
    }

    /// <summary>Revokes the grant behind a refresh or access token; false when the token is unknown.</summary>
    public bool Revoke(string token)
    {
        if (_grants.TryGetValue(token, out var grant)) grant.Revoked = true;
        else if (_access.TryGetValue(token, out var access)) access.Grant.Revoked = true;
        else return false;
        return true;
    }

    /// <summary>The refresh tokens issued to an account (in-process tests check that nobody stores them in clear).</summary>
    public IReadOnlyList<string> RefreshTokensOf(string email) =>
        [.. _grants.Values.Where(g => g.Email == email.Trim().ToLowerInvariant()).Select(g => g.RefreshToken)];

    public int RevokeAll(string email)
    {
        var count = 0;
        foreach (var grant in _grants.Values.Where(g => g.Email == email && !g.Revoked))
        {
            grant.Revoked = true;
            count++;
        }
        return count;
    }

    public (List<Persistence.GoogleGrantState> Grants, List<Persistence.GoogleAccessState> Access) Export() =>
        ([.. _grants.Values.Select(g => new Persistence.GoogleGrantState(g.Email, g.RefreshToken, g.ClientId, g.Scope, g.Revoked))],
         [.. _access.Select(kv => new Persistence.GoogleAccessState(kv.Key, kv.Value.Grant.RefreshToken, kv.Value.Expires))]);

    public void Import(IEnumerable<Persistence.GoogleGrantState> grants, IEnumerable<Persistence.GoogleAccessState> access)
    {
        foreach (var g in grants) _grants[g.RefreshToken] = new Grant(g.Email, g.RefreshToken, g.ClientId, g.Scope) { Revoked = g.Revoked };
        foreach (var a in access)
            if (_grants.TryGetValue(a.RefreshToken, out var grant)) _access[a.Token] = new Access(grant, a.Expires);
    }

    public void Clear()
    {
        _codes.Clear();
        _grants.Clear();
        _access.Clear();
    }

    private static string Random(int length) =>
        System.Security.Cryptography.RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", length);
}
