using ContactSync.Domain.Accounts;
using ContactSync.Domain.Common;
using ContactSync.EventStore;
using ContactSync.Providers.Google;
using ContactSync.Providers.Microsoft;
using ContactSync.Providers.Streams;
using Microsoft.Extensions.Logging;

namespace ContactSync.Providers.Accounts;

/// <summary>
/// Ready providers for connected accounts, for the API and the sync workers alike. Each account has one provider
/// (and so one token source: Google's <c>UserCredential</c>, Graph's <see cref="RefreshTokenAuthenticationProvider"/>,
/// both of which let concurrent callers wait for a single refresh) as long as its grant is unchanged; a reconnect
/// (new grant) gets a new one. The account's stream is read on every open, so a disconnect or a needed re-auth is
/// refused at once on every host.
/// </summary>
/// <remarks>The providers handed out are shared and owned here: callers must not dispose them.</remarks>
public sealed class ProviderSessions(
    IEventStore store, GrantProtector grants, GoogleOAuth google, MicrosoftProviderOptions microsoft, TimeProvider time,
    ILoggerFactory loggers) : IDisposable
{
    private const int WriteAttempts = 5;
    private static readonly Actor TokenActor = Actor.ForSystem("provider sessions");
    private readonly ILogger _logger = loggers.CreateLogger<ProviderSessions>();
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Session> _sessions = [];

    private sealed class Session(Guid tenantId, Guid accountId, string provider)
    {
        public Guid TenantId { get; } = tenantId;
        public Guid AccountId { get; } = accountId;
        public string Provider { get; } = provider;
        public SealedSecret Grant { get; set; } = null!;
        public HashSet<SealedSecret> Rotated { get; } = [];
        public IContactProvider Adapter { get; set; } = null!;
        public AccountContactProvider Provided { get; set; } = null!;
    }

    /// <summary>The provider of an account of <paramref name="tenantId"/>, ready to call.</summary>
    /// <exception cref="AccountUnavailableException">No such account in the tenant, or it was disconnected.</exception>
    /// <exception cref="ReauthRequiredException">The provider refused the account's grant; the user must connect it again.</exception>
    public async Task<IContactProvider> OpenAsync(Guid tenantId, Guid accountId, CancellationToken ct)
    {
        var account = await CommandHandler.LoadAsync(store, AccountDecider.Definition, StreamNames.Account(accountId), ct);
        if (!account.Exists || account.TenantId != tenantId)
            throw new AccountUnavailableException(accountId, AccountUnavailableReason.NotFound, "The account does not exist.");
        switch (account.Status)
        {
            case AccountStatus.Disconnected:
                Forget(accountId);
                throw new AccountUnavailableException(accountId, AccountUnavailableReason.Disconnected, "The account was disconnected; its grant is forgotten.");
            case AccountStatus.NeedsReauth:
                Forget(accountId);
                throw new ReauthRequiredException(account.ReauthMessage ?? "The account must be connected again.");
        }
        var grant = account.Grant!;
        lock (_gate)
        {
            // A grant this session rotated away from is older than the one it holds: a caller that read the account before
            // the rotation was stored must get this session, not a new one that would refresh with a spent token.
            if (_sessions.TryGetValue(accountId, out var open) && (open.Grant == grant || open.Rotated.Contains(grant))) return open.Provided;
            var session = new Session(account.TenantId, accountId, account.Provider) { Grant = grant };
            session.Adapter = CreateAdapter(session, grants.Unseal(grant, accountId));
            session.Provided = new AccountContactProvider(session.Adapter, e => RecordReauthAsync(session, e));
            // A replaced adapter may still be in use by a caller that opened it earlier; it is left to finish, not disposed.
            _sessions[accountId] = session;
            return session.Provided;
        }
    }

    /// <summary>Drops the account's provider (after a disconnect); the next open reads the account again.</summary>
    public void Forget(Guid accountId)
    {
        lock (_gate) _sessions.Remove(accountId);
    }

    private IContactProvider CreateAdapter(Session session, string refreshToken) => session.Provider switch
    {
        AccountDecider.Google => new GoogleContactProvider(google, refreshToken),
        AccountDecider.Microsoft => new MicrosoftContactProvider(microsoft, refreshToken, transport: null, time,
            (rotated, ct) => RecordRotationAsync(session, rotated, ct), loggers.CreateLogger<MicrosoftContactProvider>()),
        _ => throw new AccountUnavailableException(session.AccountId, AccountUnavailableReason.NotFound, $"Unknown provider '{session.Provider}'."),
    };

    private async Task RecordReauthAsync(Session session, ReauthRequiredException refused)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(session.AccountId, out var current) && ReferenceEquals(current, session)) _sessions.Remove(session.AccountId);
        }
        try
        {
            await WriteAsync(session.AccountId, now => new AccountCommand.RequireReauth(session.AccountId, session.Grant, refused.Message, TokenActor, now),
                CancellationToken.None);
            Log.ReauthRequired(_logger, session.AccountId, session.Provider);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The caller still gets the provider's refusal; the next refusal records it again.
            Log.ReauthNotRecorded(_logger, session.AccountId, e);
        }
    }

    private async Task RecordRotationAsync(Session session, string rotated, CancellationToken ct)
    {
        var sealedGrant = grants.Seal(rotated, session.AccountId);
        // The session holds the rotated grant before it is stored: a concurrent open that reads the stored grant must
        // find this session current, not replace it and refresh a second time.
        lock (_gate)
        {
            session.Rotated.Add(session.Grant);
            session.Grant = sealedGrant;
        }
        await WriteAsync(session.AccountId, now => new AccountCommand.RenewGrant(session.AccountId, sealedGrant, TokenActor, now), ct);
        Log.GrantRotated(_logger, session.AccountId);
    }

    /// <summary>Decided on the account's latest state (a reconnect or another host's record may have appended meanwhile).</summary>
    private Task WriteAsync(Guid accountId, Func<DateTimeOffset, AccountCommand> command, CancellationToken ct) =>
        CommandHandler.DecideOnLatestAsync(store, AccountDecider.Definition, StreamNames.Account(accountId), _ => command(time.GetUtcNow()), WriteAttempts, ct);

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var session in _sessions.Values) (session.Adapter as IDisposable)?.Dispose();
            _sessions.Clear();
        }
    }
}
