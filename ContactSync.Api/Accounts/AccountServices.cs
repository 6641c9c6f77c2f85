using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Accounts;
using ContactSync.Domain.Common;
using ContactSync.EventStore;
using ContactSync.Providers;
using ContactSync.Providers.Accounts;
using ContactSync.Providers.Streams;
using Microsoft.Extensions.Options;

namespace ContactSync.Api.Accounts;

/// <summary>What the account endpoints depend on, and the sequences two of them share.</summary>
public sealed record AccountServices(
    IEventStore Store, IEnumerable<IProviderAuthorization> Authorizations, GrantProtector Grants, ProviderSessions Sessions,
    AccountReads Reads, TimeProvider Time, IOptions<AccountsOptions> Options, IOptions<ReturnOriginOptions> ReturnOrigins,
    IOptions<ApiOptions> Api, PublicAddress Public, ILogger<AccountServices> Logger, HttpContext Http)
{
    public Task<Account> LoadAsync(Guid id, CancellationToken ct) =>
        CommandHandler.LoadAsync(Store, AccountDecider.Definition, StreamNames.Account(id), ct);

    public IProviderAuthorization? Authorization(string provider) => provider switch
    {
        AccountDecider.Google => Authorizations.FirstOrDefault(a => a.Kind == ProviderKind.Google),
        AccountDecider.Microsoft => Authorizations.FirstOrDefault(a => a.Kind == ProviderKind.Microsoft),
        _ => null,
    };

    /// <summary>Where the provider sends the browser back; the same address at the authorize step and the code exchange.</summary>
    public Uri CallbackUri(string provider)
    {
        var root = Options.Value.CallbackBaseUri?.ToString().TrimEnd('/') ?? Public.Root(Http.Request);
        return new Uri($"{root}/api/accounts/{provider}/callback");
    }

    /// <summary>
    /// Stores a completed consent: the account reserved for (tenant, user, provider, e-mail) gets the new grant
    /// (renewed, and active again if it needed re-auth); without one, or when its holder was disconnected, a new account
    /// is reserved and connected. Concurrent callbacks for one key end on one account.
    /// </summary>
    public async Task<Handled<Account>> ConnectAsync(Guid tenantId, Guid userId, Actor actor, string provider, string email, string refreshToken, CancellationToken ct)
    {
        email = email.Trim();
        var key = AccountReservations.StreamOf(tenantId, userId, provider, email);
        for (var attempt = 1; ; attempt++)
        {
            var holder = await AccountReservations.FindAsync(Store, key, ct);
            var id = holder?.AccountId ?? Guid.CreateVersion7();
            var state = holder is null ? Account.Initial : await LoadAsync(id, ct);
            if (holder is null || state.Status == AccountStatus.Disconnected)
            {
                id = Guid.CreateVersion7();
                state = Account.Initial;
                if (!await AccountReservations.TryReserveAsync(Store, key, holder, id, ct))
                {
                    if (attempt >= Api.Value.WriteAttempts) throw new WrongExpectedVersionException(key, ExpectedRevision.NoStream, null);
                    continue;
                }
            }
            var command = new AccountCommand.ConnectAccount(tenantId, id, userId, provider, email, Grants.Seal(refreshToken, id), actor, Time.GetUtcNow());
            try
            {
                return await CommandHandler.HandleAsync(Store, AccountDecider.Definition, StreamNames.Account(id), state, command, ct);
            }
            catch (WrongExpectedVersionException) when (attempt < Api.Value.WriteAttempts)
            {
                // Another callback for the same key wrote the account meanwhile: renew what it wrote.
            }
        }
    }
}
