using System.Collections.Concurrent;
using ContactSync.Sandbox.Control;
using ContactSync.Sandbox.Google.OAuth;
using ContactSync.Sandbox.Google.Store;
using Microsoft.Extensions.Options;

namespace ContactSync.Sandbox.Google;

/// <summary>
/// The Google emulator's state: accounts, OAuth tokens and sync tokens, plus what the control API and the
/// fault middleware need (<see cref="ISandboxEmulator"/>). Google has no per-user concurrency limit.
/// </summary>
public sealed class GoogleSandbox(TimeProvider clock, IOptions<GoogleEmulatorOptions> options) : ISandboxEmulator
{
    private readonly ConcurrentDictionary<string, GoogleAccount> _accounts = new(StringComparer.OrdinalIgnoreCase);

    public string Provider => "google";

    public GoogleEmulatorOptions Options { get; } = options.Value;

    public TimeProvider Clock { get; } = clock;

    public GoogleTokens Tokens { get; } = new(clock);

    public SyncTokens SyncTokens { get; } = new(clock);

    public PropagationDelay PropagationDelay { get; } = new();

    public int ConcurrencyLimit => 0;

    public string? ConcurrencyKey(HttpContext context) => null;

    public bool Owns(PathString path) =>
        path.StartsWithSegments("/v1/people") || path.StartsWithSegments("/v1/contactGroups") ||
        path.StartsWithSegments("/v1/otherContacts") || path.StartsWithSegments("/o/oauth2") ||
        path.StartsWithSegments("/token") || path.StartsWithSegments("/revoke") ||
        path.StartsWithSegments("/oauth2/v3/userinfo") ||
        // Routing is by segment, so "people:batchGet" and "contactGroups:batchGet" are not covered above.
        (path.Value is { } p && (p.StartsWith("/v1/people:", StringComparison.Ordinal) || p.StartsWith("/v1/contactGroups:", StringComparison.Ordinal)));

    public GoogleAccount Account(string email) => _accounts.GetOrAdd(email.Trim().ToLowerInvariant(), e => new GoogleAccount(e, Clock, PropagationDelay));

    public GoogleAccount? FindAccount(string email) => _accounts.GetValueOrDefault(email);

    public string CreateAccount(string email)
    {
        var account = Account(email);
        return Tokens.IssueAccessToken(Tokens.NewGrant(account.Email), Options.AccessTokenLifetime).Token;
    }

    /// <summary>Revokes every grant of an account: its refresh tokens then answer invalid_grant.</summary>
    public int RevokeGrants(string email) => Tokens.RevokeAll(email.Trim().ToLowerInvariant());

    public void ExpireCursors() => SyncTokens.ExpireAll();

    public Persistence.GoogleState Export()
    {
        var (grants, access) = Tokens.Export();
        return new Persistence.GoogleState([.. _accounts.Values.Select(a => a.Export())], grants, access, SyncTokens.Export());
    }

    /// <summary>Replaces the state with a saved one (at start, before requests are served).</summary>
    public void Import(Persistence.GoogleState state)
    {
        Reset();
        foreach (var account in state.Accounts) _accounts[account.Email] = GoogleAccount.Restore(account, Clock, PropagationDelay);
        Tokens.Import(state.Grants, state.AccessTokens);
        SyncTokens.Import(state.SyncTokens, FindAccount);
    }

    public void Reset()
    {
        _accounts.Clear();
        Tokens.Clear();
        SyncTokens.ExpireAll();
    }

    /// <summary>The account of the request's bearer token, or null after writing Google's 401.</summary>
    public GoogleAccount? Authenticate(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) &&
            Tokens.Authenticate(header["Bearer ".Length..].Trim()) is { } email)
            return _accounts.TryGetValue(email, out var account) ? account : Account(email);
        return null;
    }

    public Task WriteFaultAsync(HttpContext context, int status, TimeSpan? retryAfter)
    {
        var write = !HttpMethods.IsGet(context.Request.Method);
        var error = status switch
        {
            429 => new GoogleError(429, "RESOURCE_EXHAUSTED",
                $"Quota exceeded for quota metric '{(write ? "Critical write requests" : "Critical read requests (Contact and Profile Reads)")}' and limit '{(write ? "Critical write requests" : "Critical read requests")} per minute per user' of service 'people.googleapis.com' for consumer 'project_number:000000000000'.",
                "RATE_LIMIT_EXCEEDED",
                new Dictionary<string, string>
                {
                    ["quota_metric"] = write ? "people.googleapis.com/critical_write_requests" : "people.googleapis.com/read_requests",
                    ["quota_limit"] = write ? "CriticalWritesPerMinutePerProjectPerUser" : "ReadRequestsPerMinutePerUser",
                    ["service"] = "people.googleapis.com",
                    ["consumer"] = "projects/000000000000",
                }),
            503 => new GoogleError(503, "UNAVAILABLE", "The service is currently unavailable."),
            _ => new GoogleError(500, "INTERNAL", "Internal error encountered."),
        };
        return error.WriteAsync(context, retryAfter);
    }
}
