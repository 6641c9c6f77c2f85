using ContactSync.Sandbox.Graph.Store;
using ContactSync.Sandbox.OAuth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactSync.Sandbox.Graph.OAuth;

/// <summary>
/// The Microsoft identity platform v2.0 endpoints the adapter uses: <c>{tenant}/oauth2/v2.0/authorize</c>
/// approves at once for <c>login_hint</c> (the mailbox is created if missing) and redirects back with
/// <c>code</c> and <c>state</c>; <c>{tenant}/oauth2/v2.0/token</c> redeems codes (checking the PKCE verifier of a
/// code issued for a <c>code_challenge</c>) and refresh tokens. Errors
/// use Entra ID's shape: <c>{"error":"invalid_grant","error_description":"AADSTS…","error_codes":[…]}</c>.
/// </summary>
public static class OAuthApi
{
    public static IEndpointRouteBuilder MapGraphOAuth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{tenant}/oauth2/v2.0/authorize", Authorize).ExcludeFromDescription();
        app.MapPost("/{tenant}/oauth2/v2.0/token", Token).DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static Results<RedirectHttpResult, BadRequest<string>> Authorize(
        string? client_id, string? redirect_uri, string? response_type, string? state, string? scope, string? login_hint,
        string? code_challenge, string? code_challenge_method, GraphStore store, TokenStore tokens)
    {
        if (string.IsNullOrEmpty(client_id))
            return TypedResults.BadRequest("AADSTS900144: The request body must contain the following parameter: 'client_id'.");
        if (!Uri.TryCreate(redirect_uri, UriKind.Absolute, out var redirect))
            return TypedResults.BadRequest("AADSTS50011: The redirect URI specified in the request is not valid.");
        if (response_type != "code")
            return TypedResults.BadRequest("AADSTS700054: response_type 'code' is the only one this sandbox supports.");
        if (string.IsNullOrWhiteSpace(login_hint) || !login_hint.Contains('@'))
            return TypedResults.BadRequest("The sandbox approves at once and needs login_hint with the account's e-mail address.");
        var (pkce, pkceProblem) = PkceChallenge.From(code_challenge, code_challenge_method);
        if (pkceProblem is not null)
            return TypedResults.BadRequest(pkceProblem + ".");

        var mailbox = store.GetOrCreate(login_hint);
        var code = tokens.IssueCode(mailbox, client_id, redirect_uri!, scope ?? "", pkce);
        var query = $"code={Uri.EscapeDataString(code)}" + (state is null ? "" : $"&state={Uri.EscapeDataString(state)}");
        var separator = string.IsNullOrEmpty(redirect.Query) ? "?" : "&";
        return TypedResults.Redirect(redirect_uri + separator + query);
    }

    private static async Task<IResult> Token(HttpRequest request, TokenStore tokens)
    {
        if (!request.HasFormContentType)
            return Failure(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        var clientId = form["client_id"].ToString();
        if (clientId.Length == 0)
            return Failure(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
        if (form["client_secret"].ToString().Length == 0)
            return Failure(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");

        var (issued, failure) = form["grant_type"].ToString() switch
        {
            "authorization_code" => tokens.RedeemCode(form["code"].ToString(), clientId, form["redirect_uri"].ToString(), form["code_verifier"].ToString()),
            "refresh_token" => tokens.Refresh(form["refresh_token"].ToString(), clientId),
            _ => (null, GrantFailure.None),
        };
        if (issued is not null)
            return TypedResults.Json(new TokenResponse("Bearer", issued.Scope, issued.ExpiresInSeconds, issued.ExpiresInSeconds,
                issued.AccessToken, issued.RefreshToken));
        return failure switch
        {
            GrantFailure.None => Failure(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type."),
            GrantFailure.Redeemed => Failure(400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token."),
            GrantFailure.Expired => Failure(400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity."),
            GrantFailure.Revoked => Failure(400, "invalid_grant", 50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed."),
            GrantFailure.RedirectMismatch => Failure(400, "invalid_grant", 70002, "The redirect_uri does not match the one used in the authorization request."),
            GrantFailure.ClientMismatch => Failure(400, "invalid_grant", 70000, "The grant was issued to a different client."),
            GrantFailure.VerifierMissing => Failure(400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request."),
            GrantFailure.VerifierMismatch => Failure(400, "invalid_grant", 50148, "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE."),
            _ => Failure(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid."),
        };
    }

    private static IResult Failure(int status, string error, int code, string description) =>
        TypedResults.Json(new TokenError(error, $"AADSTS{code}: {description} Trace ID: {Guid.NewGuid()} Correlation ID: {Guid.NewGuid()} Timestamp: {DateTime.UtcNow:yyyy-MM-dd HH:mm:ssZ}",
            [code], DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ssZ"), Guid.NewGuid().ToString(), Guid.NewGuid().ToString()), statusCode: status);

    private sealed record TokenResponse(
        [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType,
        [property: System.Text.Json.Serialization.JsonPropertyName("scope")] string Scope,
        [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] int ExpiresIn,
        [property: System.Text.Json.Serialization.JsonPropertyName("ext_expires_in")] int ExtExpiresIn,
        [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
        [property: System.Text.Json.Serialization.JsonPropertyName("refresh_token")] string RefreshToken);

    private sealed record TokenError(
        [property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error,
        [property: System.Text.Json.Serialization.JsonPropertyName("error_description")] string ErrorDescription,
        [property: System.Text.Json.Serialization.JsonPropertyName("error_codes")] int[] ErrorCodes,
        [property: System.Text.Json.Serialization.JsonPropertyName("timestamp")] string Timestamp,
        [property: System.Text.Json.Serialization.JsonPropertyName("trace_id")] string TraceId,
        [property: System.Text.Json.Serialization.JsonPropertyName("correlation_id")] string CorrelationId);
}
