using ContactSync.Api.Auth;
using ContactSync.Api.Connections;
using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Accounts;
using ContactSync.Domain.Common;
using ContactSync.Domain.Validation;
using ContactSync.Providers;
using ContactSync.Providers.Accounts;
using ContactSync.Providers.Streams;
using Google.Apis.Auth.OAuth2.Responses;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactSync.Api.Accounts;

/// <summary>
/// The caller's Google and Microsoft accounts, connected through the OAuth 2.0 authorization-code flow. The callback
/// carries no API key: the single-use <c>state</c> names the caller (see <see cref="OAuthStates"/>), and the account
/// is attached only in the browser that started the connect (<see cref="ConnectCookies"/>); a consent finished
/// elsewhere waits for the starter's confirmation (<see cref="PendingGrants"/>). An account of another user or tenant
/// is 404 everywhere.
/// </summary>
public static partial class AccountsApi
{
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/accounts").WithTags("Accounts").WithStandardProblems();
        group.MapGet("/{provider}/connect", ConnectAccount).RequireUser().WithName(nameof(ConnectAccount))
            .WithSummary("Start connecting a google or microsoft account: 302 to the consent page (200 {authorizeUrl} for Accept: application/json)")
            .ProducesValidation();
        group.MapGet("/{provider}/callback", AccountCallback).AllowAnonymous().WithName(nameof(AccountCallback))
            .WithSummary("The provider's redirect back (no API key: the state names the caller); in the starting browser stores the account, 302 to returnUrl; elsewhere 200, a page with the confirmation code");
        group.MapPost("/pending/{id:guid}/confirm", ConfirmPendingAccount).RequireUser().WithName(nameof(ConfirmPendingAccount))
            .WithSummary("Attach a consent finished in another browser: the connect's id and the code that browser was shown")
            .ProducesValidation();
        group.MapGet("/", GetAccounts).RequireUser().WithName(nameof(GetAccounts)).WithSummary("The caller's connected accounts")
            .WaitsForMinPosition(ProjectionNames.Accounts);
        group.MapGet("/{id:guid}/groups", GetAccountGroups).RequireUser().WithName(nameof(GetAccountGroups))
            .WithSummary("The account's contact groups (Google) or contact folders (Outlook), live from the provider");
        group.MapDelete("/{id:guid}", DisconnectAccount).RequireUser().WithName(nameof(DisconnectAccount))
            .WithSummary("Disconnect the account: its grant is forgotten; no contact is deleted anywhere");
        return app;
    }

    public static async Task<Results<RedirectHttpResult, Ok<AuthorizeResponse>, ProblemHttpResult>> ConnectAccount(
        string provider, string? returnUrl, string? loginHint, Caller caller, [AsParameters] AccountServices s, CancellationToken ct)
    {
        if (s.Authorization(provider) is not { } authorization) return UnknownProvider();
        var errors = new FieldErrors();
        var target = ReturnUrls.Resolve(returnUrl, s.Public.Origin(s.Http.Request), s.ReturnOrigins.Value.AllowedReturnOrigins);
        if (target is null) errors.Add("returnUrl", "Must be a path on this API or an address on an allowed origin.");
        var hint = string.IsNullOrWhiteSpace(loginHint) ? null : loginHint.Trim();
        if (hint is not null && !EmailSyntax.IsValid(hint)) errors.Add("loginHint", "Must be an e-mail address.");
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());

        // Random (not time-ordered): the id names the flow's cookie and its pending grant.
        var connectId = Guid.NewGuid();
        var callback = s.CallbackUri(provider);
        var verifier = Pkce.NewVerifier();
        var lifetime = s.Options.Value.StateLifetime;
        var nonceHash = ConnectCookies.Issue(s.Http.Response, connectId, callback, lifetime);
        var binding = new OAuthStates.Binding(caller.TenantId, caller.UserId, caller.Name, provider, target!, s.Time.GetUtcNow() + lifetime,
            connectId, s.Grants.Seal(verifier, OAuthStates.VerifierPurpose, connectId), nonceHash);
        var state = await OAuthStates.IssueAsync(s.Store, binding, lifetime, ct);
        var authorize = authorization.BuildAuthorizeUri(state, callback, hint, Pkce.Challenge(verifier));
        var wantsJson = s.Http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase));
        return wantsJson ? TypedResults.Ok(new AuthorizeResponse(authorize.AbsoluteUri, connectId)) : TypedResults.Redirect(authorize.AbsoluteUri);
    }

    public static async Task<Results<RedirectHttpResult, ContentHttpResult, ProblemHttpResult>> AccountCallback(
        string provider, string? code, string? state, string? error, [AsParameters] AccountServices s, CancellationToken ct)
    {
        if (s.Authorization(provider) is not { } authorization) return UnknownProvider();
        var (binding, refusal) = await OAuthStates.ConsumeAsync(s.Store, state, provider, s.Time.GetUtcNow(), ct);
        if (binding is null)
        {
            Log.StateRefused(s.Logger, provider, refusal);
            return Problems.Status(400, "Bad request", OAuthStates.Describe(refusal), "account.state-invalid");
        }
        var callback = s.CallbackUri(provider);
        var startingBrowser = ConnectCookies.Matches(s.Http.Request, binding.ConnectId, binding.BrowserNonceHash);
        ConnectCookies.Clear(s.Http.Response, binding.ConnectId, callback);
        if (error is not null)
            // The user declined (access_denied) or the provider failed: back to the app with the code, nothing stored.
            return TypedResults.Redirect(ReturnUrls.With(binding.ReturnUrl, "error", ErrorCode(error)));
        if (string.IsNullOrEmpty(code) || code.Length > 4096)
            return Problems.Status(400, "Bad request", "The code parameter is missing or too long.", "account.code-invalid");

        ProviderGrant grant;
        try
        {
            var verifier = binding.CodeVerifier is { } sealedVerifier ? s.Grants.Unseal(sealedVerifier, OAuthStates.VerifierPurpose, binding.ConnectId) : null;
            grant = await authorization.ExchangeCodeAsync(code, callback, verifier, ct);
        }
        catch (ReauthRequiredException e)
        {
            Log.CodeRefused(s.Logger, provider, e.Message);
            return Problems.Status(400, "Bad request", "The provider refused the authorization code; start the connect again.", "account.code-refused");
        }
        catch (Exception e) when (e is ProviderException or HttpRequestException or TokenResponseException)
        {
            Log.ExchangeFailed(s.Logger, provider, e);
            return Problems.Status(502, "Bad gateway", "The provider could not complete the sign-in; try again later.", "account.provider-unavailable");
        }
        if (!EmailSyntax.IsValid(grant.Email.Trim()))
            return Problems.Status(502, "Bad gateway", "The provider named no usable e-mail address for the account.", "account.provider-email");

        if (!startingBrowser) return await HoldForConfirmationAsync(binding, grant, s, ct);

        await AttachAsync(binding.TenantId, binding.UserId, binding.UserName, provider, grant.Email, grant.RefreshToken, s, ct);
        return TypedResults.Redirect(binding.ReturnUrl);
    }

    private static async Task<Handled<Account>> AttachAsync(
        Guid tenantId, Guid userId, string userName, string provider, string email, string refreshToken, AccountServices s, CancellationToken ct)
    {
        var handled = await s.ConnectAsync(tenantId, userId, Actor.ForUser(userId, userName), provider, email, refreshToken, ct);
        s.Sessions.Forget(handled.State.Id);
        Log.Connected(s.Logger, handled.State.Id, provider);
        if (handled.Position is { } position) await s.Http.AfterWriteAsync(position, ProjectionNames.Accounts);
        return handled;
    }

    public static async Task<Ok<AccountList>> GetAccounts(Caller caller, AccountReads reads, CancellationToken ct) =>
        TypedResults.Ok(new AccountList(await reads.ListAsync(caller.TenantId, caller.UserId, ct)));

    public static async Task<Results<Ok<GroupList>, ProblemHttpResult>> GetAccountGroups(
        Guid id, Caller caller, [AsParameters] AccountServices s, CancellationToken ct)
    {
        if (!IsCallers(await s.LoadAsync(id, ct), caller)) return NotFound();
        try
        {
            var provider = await s.Sessions.OpenAsync(caller.TenantId, id, ct);
            var groups = await provider.ListGroupsAsync(ct);
            return TypedResults.Ok(new GroupList([.. groups.Select(g => new GroupResponse(g.Id, g.Name, g.MemberCount))]));
        }
        catch (AccountUnavailableException)
        {
            return NotFound();
        }
        catch (ReauthRequiredException e)
        {
            return Problems.Conflict($"The account needs to be connected again: {e.Message}", "account.needs-reauth");
        }
        catch (ProviderThrottledException e)
        {
            s.Http.Response.Headers.RetryAfter = ((int)Math.Ceiling(e.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Status(503, "Service unavailable", "The provider is throttling this account; retry later.", "account.provider-throttled");
        }
        catch (ProviderException e)
        {
            Log.GroupsFailed(s.Logger, id, e);
            return Problems.Status(502, "Bad gateway", "The provider could not list the account's groups; try again later.", "account.provider-unavailable");
        }
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DisconnectAccount(
        Guid id, Caller caller, [AsParameters] AccountServices s, ConnectionReads connections, CancellationToken ct)
    {
        var handled = await WriteRetries.WithRetriesAsync<Handled<Account>?>(s.Http, s.Api.Value.WriteAttempts, async () =>
        {
            var state = await s.LoadAsync(id, ct);
            if (!IsCallers(state, caller)) return null;
            return await CommandHandler.HandleAsync(s.Store, AccountDecider.Definition, StreamNames.Account(id), state,
                new AccountCommand.DisconnectAccount(id, caller.Actor, s.Time.GetUtcNow()), ct);
        });
        if (handled is null) return NotFound();
        s.Sessions.Forget(id);
        // The account's state already refuses the grant to every worker; its connections end too, with the same actor.
        await ConnectionsApi.DisconnectConnectionsOfAccountAsync(s.Store, connections, caller, id, s.Time.GetUtcNow(), s.Api.Value.WriteAttempts, ct);
        if (handled.Position is { } position) await s.Http.AfterWriteAsync(position, ProjectionNames.Accounts);
        return TypedResults.NoContent();
    }

    private static bool IsCallers(Account state, Caller caller) =>
        state.Exists && state.TenantId == caller.TenantId && state.UserId == caller.UserId && state.Status != AccountStatus.Disconnected;

    private static ProblemHttpResult NotFound() => Problems.NotFound("The account does not exist.");

    private static ProblemHttpResult UnknownProvider() => Problems.NotFound("The provider must be google or microsoft.");

    /// <summary>Only an OAuth error code's own alphabet goes back into the return address.</summary>
    private static string ErrorCode(string error) =>
        error.Length is > 0 and <= 64 && error.All(c => c is (>= 'a' and <= 'z') or '_') ? error : "provider_error";

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Warning, "OAuth callback for {Provider} refused: state {Refusal}")]
        public static partial void StateRefused(ILogger logger, string provider, OAuthStates.Refusal refusal);

        [LoggerMessage(LogLevel.Warning, "OAuth callback for {Provider}: the code was refused ({Reason})")]
        public static partial void CodeRefused(ILogger logger, string provider, string reason);

        [LoggerMessage(LogLevel.Error, "OAuth code exchange with {Provider} failed")]
        public static partial void ExchangeFailed(ILogger logger, string provider, Exception exception);

        [LoggerMessage(LogLevel.Information, "Account {AccountId} ({Provider}) connected")]
        public static partial void Connected(ILogger logger, Guid accountId, string provider);

        [LoggerMessage(LogLevel.Warning, "Listing the groups of account {AccountId} failed")]
        public static partial void GroupsFailed(ILogger logger, Guid accountId, Exception exception);

        [LoggerMessage(LogLevel.Warning, "OAuth callback for {Provider}: finished in another browser than the one that started connect {ConnectId}; the grant waits for confirmation")]
        public static partial void HeldForConfirmation(ILogger logger, string provider, Guid connectId);

        [LoggerMessage(LogLevel.Warning, "Confirmation of pending connect {ConnectId} refused: {Outcome}")]
        public static partial void ConfirmationRefused(ILogger logger, Guid connectId, PendingGrants.Outcome outcome);
    }
}

/// <param name="ConnectId">Names the flow: its cookie, and a consent finished in another browser
/// (<c>POST /api/accounts/pending/{connectId}/confirm</c>).</param>
public sealed record AuthorizeResponse(string AuthorizeUrl, Guid ConnectId);

public sealed record AccountResponse(Guid Id, string Provider, string Email, string Status);

public sealed record AccountList(IReadOnlyList<AccountResponse> Items);

public sealed record GroupResponse(string Id, string Name, int? MemberCount);

public sealed record GroupList(IReadOnlyList<GroupResponse> Items);
