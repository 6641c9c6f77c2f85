namespace ContactSync.Providers.Accounts;

public enum AccountUnavailableReason { NotFound, Disconnected }

/// <summary>
/// <see cref="ProviderSessions.OpenAsync"/> found no usable account: it does not exist in the tenant, or its user
/// disconnected it (the grant is forgotten). An account that needs re-auth raises <see cref="ReauthRequiredException"/> instead.
/// </summary>
public sealed class AccountUnavailableException(Guid accountId, AccountUnavailableReason reason, string message)
    : ProviderException(message)
{
    public Guid AccountId { get; } = accountId;

    public AccountUnavailableReason Reason { get; } = reason;
}
