using System.Text.Json.Serialization;

namespace ContactSync.Domain.Accounts;

/// <summary>Whether an account's grant can be used (the wire names are the API's and the read model's).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AccountStatus>))]
public enum AccountStatus
{
    [JsonStringEnumMemberName("active")] Active,
    [JsonStringEnumMemberName("needs-reauth")] NeedsReauth,
    [JsonStringEnumMemberName("disconnected")] Disconnected,
}

/// <summary>
/// A provider account, folded from <c>Account-{id}</c>. <see cref="Grant"/> is the sealed refresh token (null once
/// disconnected: the grant is forgotten); read models keep everything but the grant.
/// </summary>
public sealed record Account(
    Guid Id, Guid TenantId, Guid UserId, string Provider, string Email, SealedSecret? Grant, AccountStatus Status,
    string? ReauthMessage, long Version)
{
    public static readonly Account Initial = new(Guid.Empty, Guid.Empty, Guid.Empty, "", "", null, AccountStatus.Active, null, -1);

    public bool Exists => Version >= 0;

    public static string StatusName(AccountStatus status) => status switch
    {
        AccountStatus.Active => "active",
        AccountStatus.NeedsReauth => "needs-reauth",
        _ => "disconnected",
    };

    public static Account Evolve(Account state, AccountEvent @event) =>
        ((state, @event) switch
        {
            (_, AccountEvent.AccountConnected e) => new Account(e.AccountId, e.TenantId, e.UserId, e.Provider, e.Email, e.Grant,
                AccountStatus.Active, null, state.Version),
            (_, AccountEvent.AccountGrantRenewed e) => state with { Grant = e.Grant, Status = AccountStatus.Active, ReauthMessage = null },
            (_, AccountEvent.AccountReauthRequired e) => state with { Status = AccountStatus.NeedsReauth, ReauthMessage = e.Message },
            (_, AccountEvent.AccountDisconnected) => state with { Grant = null, Status = AccountStatus.Disconnected, ReauthMessage = null },
            _ => state,
        }) with
        { Version = state.Version + 1 };

    public static Account Fold(IEnumerable<AccountEvent> events) => events.Aggregate(Initial, Evolve);
}
