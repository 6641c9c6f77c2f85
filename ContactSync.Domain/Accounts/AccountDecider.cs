using ContactSync.Domain.Common;
using static ContactSync.Domain.Accounts.AccountCommand;
using static ContactSync.Domain.Accounts.AccountEvent;

namespace ContactSync.Domain.Accounts;

public abstract record AccountCommand
{
    private AccountCommand() { }

    /// <summary>A completed consent. On an account that exists (the same user, provider and e-mail, found by the
    /// caller's reservation) it renews the grant instead: one account per provider e-mail and user, never a twin.</summary>
    public sealed record ConnectAccount(
        Guid TenantId, Guid AccountId, Guid UserId, string Provider, string Email, SealedSecret Grant, Actor Actor, DateTimeOffset At) : AccountCommand;

    /// <summary>The provider handed out a new refresh token for the grant (rotation).</summary>
    public sealed record RenewGrant(Guid AccountId, SealedSecret Grant, Actor Actor, DateTimeOffset At) : AccountCommand;

    /// <summary>The provider refused <paramref name="FailedGrant"/>. Ignored when the account holds another grant by now
    /// (a reconnect happened meanwhile) or already waits for re-auth.</summary>
    public sealed record RequireReauth(Guid AccountId, SealedSecret FailedGrant, string Message, Actor Actor, DateTimeOffset At) : AccountCommand;

    public sealed record DisconnectAccount(Guid AccountId, Actor Actor, DateTimeOffset At) : AccountCommand;
}

public static class AccountDecider
{
    public const string Google = "google";
    public const string Microsoft = "microsoft";

    /// <summary>The decider as one value, for the command handler.</summary>
    public static readonly Decider<AccountCommand, AccountEvent, Account> Definition = new(Decide, Account.Evolve, Account.Initial, s => s.Version);

    public static IReadOnlyList<AccountEvent> Decide(AccountCommand command, Account state) =>
        (command, state) switch
        {
            (ConnectAccount c, { Exists: false }) => [Connected(c)],
            (ConnectAccount c, _) when c.UserId != state.UserId || c.TenantId != state.TenantId || c.Provider != state.Provider
                                       || !string.Equals(c.Email, state.Email, StringComparison.OrdinalIgnoreCase) =>
                throw new DomainRuleViolation("account.already-exists", "An account with this id belongs to another user, provider or e-mail."),
            (_, { Exists: false }) => throw new DomainRuleViolation("account.not-found", "The account does not exist."),
            (RequireReauth or DisconnectAccount, { Status: AccountStatus.Disconnected }) => [],
            (_, { Status: AccountStatus.Disconnected }) => throw new DomainRuleViolation("account.disconnected", "The account is disconnected."),
            (ConnectAccount c, _) => [new AccountGrantRenewed(state.TenantId, state.Id, c.Grant, c.Actor, c.At)],
            (RenewGrant c, _) when c.Grant == state.Grant => [],
            (RenewGrant c, _) => [new AccountGrantRenewed(state.TenantId, state.Id, c.Grant, c.Actor, c.At)],
            (RequireReauth c, _) when c.FailedGrant != state.Grant || state.Status == AccountStatus.NeedsReauth => [],
            (RequireReauth c, _) => [new AccountReauthRequired(state.TenantId, state.Id, RequireMessage(c.Message), c.Actor, c.At)],
            (DisconnectAccount c, _) => [new AccountDisconnected(state.TenantId, state.Id, c.Actor, c.At)],
            _ => throw new InvalidOperationException($"Unhandled account command {command.GetType().Name}."),
        };

    public static bool IsProvider(string provider) => provider is Google or Microsoft;

    private static AccountConnected Connected(ConnectAccount c)
    {
        if (!IsProvider(c.Provider)) throw new DomainRuleViolation("account.provider-unknown", "The provider must be google or microsoft.");
        if (string.IsNullOrWhiteSpace(c.Email)) throw new DomainRuleViolation("account.email-missing", "The provider named no e-mail address.");
        return new AccountConnected(c.TenantId, c.AccountId, c.UserId, c.Provider, c.Email.Trim(), c.Grant, c.Actor, c.At);
    }

    private static string RequireMessage(string message) =>
        string.IsNullOrWhiteSpace(message) ? "The provider no longer accepts this account's grant; connect the account again." : message;
}
