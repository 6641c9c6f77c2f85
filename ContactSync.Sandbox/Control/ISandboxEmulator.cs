namespace ContactSync.Sandbox.Control;

/// <summary>One emulated provider, as the control API and the fault middleware see it.</summary>
public interface ISandboxEmulator
{
    /// <summary><c>google</c> or <c>microsoft</c>, as in the control API.</summary>
    string Provider { get; }

    /// <summary>Whether a request path belongs to this provider (API and OAuth paths).</summary>
    bool Owns(PathString path);

    /// <summary>Creates the account if missing and returns an access token the emulator accepts.</summary>
    string CreateAccount(string email);

    /// <summary>How long a write stays out of listings and change feeds (0: it shows at once).</summary>
    PropagationDelay PropagationDelay { get; }

    /// <summary>Invalidates every change cursor (sync tokens, delta links) issued so far.</summary>
    void ExpireCursors();

    /// <summary>Clears every account, contact, group, token and subscription.</summary>
    void Reset();

    /// <summary>Writes a fault in the provider's own error format (429 throttling, 500, 503).</summary>
    Task WriteFaultAsync(HttpContext context, int status, TimeSpan? retryAfter);

    /// <summary>Whether a request counts against the provider's concurrency limit (Graph: 4 per mailbox) and
    /// under which key; null when the request is not limited.</summary>
    string? ConcurrencyKey(HttpContext context);

    /// <summary>The provider's concurrent-request limit per <see cref="ConcurrencyKey"/> (0: none).</summary>
    int ConcurrencyLimit { get; }
}
