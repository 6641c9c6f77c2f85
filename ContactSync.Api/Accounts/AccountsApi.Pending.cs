using System.Text.Json;
using ContactSync.Api.Auth;
using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Accounts;
using ContactSync.Domain.Common;
using ContactSync.Providers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactSync.Api.Accounts;

/// <summary>A consent finished in another browser: held, shown as a code there, attached only by its starter with that code.</summary>
public static partial class AccountsApi
{
    private static async Task<Results<RedirectHttpResult, ContentHttpResult, ProblemHttpResult>> HoldForConfirmationAsync(
        OAuthStates.Binding binding, ProviderGrant grant, AccountServices s, CancellationToken ct)
    {
        // A state issued before connects had ids still gets a pending grant of its own.
        var connectId = binding.ConnectId == Guid.Empty ? Guid.NewGuid() : binding.ConnectId;
        var email = grant.Email.Trim();
        var lifetime = s.Options.Value.PendingLifetime;
        var code = await PendingGrants.StoreAsync(s.Store, connectId, lifetime, codeHash => new PendingGrants.Pending(
            binding.TenantId, binding.UserId, binding.UserName, binding.Provider, email,
            s.Grants.Seal(grant.RefreshToken, PendingGrants.GrantPurpose, connectId), codeHash, s.Time.GetUtcNow() + lifetime, binding.ReturnUrl), ct);
        Log.HeldForConfirmation(s.Logger, binding.Provider, connectId);
        PendingPage.AddHeaders(s.Http.Response);
        return TypedResults.Content(PendingPage.Render(binding.Provider, email, code, connectId, lifetime), "text/html; charset=utf-8");
    }

    public static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> ConfirmPendingAccount(
        Guid id, JsonElement body, Caller caller, [AsParameters] AccountServices s, CancellationToken ct)
    {
        if (JsonText.Check(body) is { } malformed) return malformed;
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("code", out var value) || value.ValueKind != JsonValueKind.String ||
            PendingGrants.Normalize(value.GetString()) is not { } code)
            return Problems.Validation("code", "Must be the 8-character code the other browser showed (XXXX-XXXX).");

        var confirmation = await PendingGrants.ConfirmAsync(s.Store, id, caller.TenantId, caller.UserId, code, s.Time.GetUtcNow(), ct);
        if (confirmation is not { Outcome: PendingGrants.Outcome.Confirmed, Grant: { } pending })
        {
            Log.ConfirmationRefused(s.Logger, id, confirmation.Outcome);
            return confirmation.Outcome switch
            {
                PendingGrants.Outcome.WrongCode when confirmation.AttemptsLeft > 0 => Problems.Validation("code",
                    $"The code does not match; {confirmation.AttemptsLeft} attempt(s) left."),
                PendingGrants.Outcome.WrongCode => Problems.Validation("code",
                    "The code does not match, and that was the last attempt: the sign-in is discarded; start the connect again."),
                PendingGrants.Outcome.Used => Problems.Conflict("The sign-in was attached already.", "account.pending-used"),
                PendingGrants.Outcome.Expired => Problems.Status(410, "Gone", "The sign-in waited too long and is discarded; start the connect again.", "account.pending-expired"),
                PendingGrants.Outcome.Discarded => Problems.Status(410, "Gone", "Too many wrong codes: the sign-in is discarded; start the connect again.", "account.pending-discarded"),
                _ => Problems.NotFound("No sign-in of yours waits under this id."),
            };
        }
        var refreshToken = s.Grants.Unseal(pending.RefreshToken, PendingGrants.GrantPurpose, id);
        var handled = await AttachAsync(caller.TenantId, caller.UserId, caller.Name, pending.Provider, pending.Email, refreshToken, s, ct);
        return TypedResults.Ok(new AccountResponse(handled.State.Id, pending.Provider, pending.Email, WireNames<AccountStatus>.ToName(handled.State.Status)));
    }
}
