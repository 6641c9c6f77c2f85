using ContactSync.Domain.Common;

namespace ContactSync.Domain.Accounts;

/// <summary>
/// A refresh token encrypted at rest: <see cref="KeyId"/> names the key (kept outside the database) that sealed
/// <see cref="Ciphertext"/>, so keys can rotate. The clear token never appears in an event, a read model or a log.
/// </summary>
public sealed record SealedSecret(string KeyId, string Ciphertext);

/// <summary>A user's Google or Microsoft account, stream <c>Account-{id}</c>.</summary>
public abstract record AccountEvent
{
    private AccountEvent() { }

    public abstract Guid TenantId { get; init; }
    public abstract Guid AccountId { get; init; }
    public abstract Actor Actor { get; init; }
    public abstract DateTimeOffset At { get; init; }

    /// <param name="Provider"><c>google</c> or <c>microsoft</c>.</param>
    public sealed record AccountConnected(
        Guid TenantId, Guid AccountId, Guid UserId, string Provider, string Email, SealedSecret Grant, Actor Actor, DateTimeOffset At) : AccountEvent;

    /// <summary>The same user connected the same provider e-mail again: a new grant, the same account (no twin).</summary>
    public sealed record AccountGrantRenewed(Guid TenantId, Guid AccountId, SealedSecret Grant, Actor Actor, DateTimeOffset At) : AccountEvent;

    /// <summary>The provider refused the grant (<c>invalid_grant</c>): the account and its connections need re-auth.</summary>
    public sealed record AccountReauthRequired(Guid TenantId, Guid AccountId, string Message, Actor Actor, DateTimeOffset At) : AccountEvent;

    /// <summary>The user disconnected the account: the grant is forgotten; no contact is deleted anywhere.</summary>
    public sealed record AccountDisconnected(Guid TenantId, Guid AccountId, Actor Actor, DateTimeOffset At) : AccountEvent;
}
