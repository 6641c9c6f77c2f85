using System.Text;
using System.Text.Json;
using ContactSync.Sandbox.OAuth;

namespace ContactSync.Sandbox.Google.OAuth;

/// <summary>
/// Google's OAuth 2.0 endpoints as a sign-in-free stand-in: the consent page approves at once for the account
/// named by <c>login_hint</c>; the token endpoint speaks the form-encoded protocol Google.Apis.Auth uses and checks
/// the PKCE verifier of a code issued for a <c>code_challenge</c>.
/// </summary>
public static class OAuthEndpoints
{
    public static void MapGoogleOAuth(this IEndpointRouteBuilder app, GoogleSandbox google)
    {
        app.MapGet("o/oauth2/v2/auth", context => Authorize(context, google));
        app.MapGet("o/oauth2/auth", context => Authorize(context, google));
        app.MapPost("token", context => Token(context, google));
        app.MapPost("revoke", context => Revoke(context, google));
        app.MapPost("o/oauth2/revoke", context => Revoke(context, google));
        app.MapGet("oauth2/v3/userinfo", context => UserInfo(context, google));
    }

    private static async Task Authorize(HttpContext context, GoogleSandbox google)
    {
        var clientId = GoogleHttp.Query(context, "client_id");
        var redirectUri = GoogleHttp.Query(context, "redirect_uri");
        var loginHint = GoogleHttp.Query(context, "login_hint");
        var (pkce, pkceProblem) = PkceChallenge.From(GoogleHttp.Query(context, "code_challenge"), GoogleHttp.Query(context, "code_challenge_method"));
        string? problem = clientId is null ? "Missing required parameter: client_id"
            : !Uri.TryCreate(redirectUri, UriKind.Absolute, out _) ? "Missing required parameter: redirect_uri"
            : GoogleHttp.Query(context, "response_type") != "code" ? "Invalid response_type: only \"code\" is supported"
            // The sandbox has no account chooser; it signs in whoever the caller names.
            : loginHint is null || !loginHint.Contains('@') ? "Missing required parameter: login_hint (the sandbox signs in that account)"
            : pkceProblem;
        if (problem is not null)
        {
            context.Response.StatusCode = 400;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync($"Error 400: invalid_request\n{problem}", context.RequestAborted);
            return;
        }
        var account = google.Account(loginHint!);
        var scope = GoogleHttp.Query(context, "scope") ?? "";
        var code = google.Tokens.IssueCode(account.Email, clientId!, redirectUri!, scope, pkce);
        var query = $"code={Uri.EscapeDataString(code)}&scope={Uri.EscapeDataString(scope)}";
        if (GoogleHttp.Query(context, "state") is { } state) query = $"state={Uri.EscapeDataString(state)}&" + query;
        context.Response.Redirect(redirectUri + (redirectUri!.Contains('?') ? "&" : "?") + query);
    }

    private static async Task Token(HttpContext context, GoogleSandbox google)
    {
        if (!context.Request.HasFormContentType)
        {
            await OAuthError(context, 400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded.");
            return;
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var clientId = form["client_id"].ToString();
        if (clientId.Length == 0 && BasicClientId(context) is { } basic) clientId = basic;
        if (clientId.Length == 0)
        {
            await OAuthError(context, 401, "invalid_client", "The OAuth client was not found.");
            return;
        }
        GoogleTokens.Grant? grant;
        bool newGrant;
        switch (form["grant_type"].ToString())
        {
            case "authorization_code":
                (grant, var refusal) = google.Tokens.RedeemCode(form["code"].ToString(), clientId, form["redirect_uri"].ToString(), form["code_verifier"].ToString());
                newGrant = true;
                if (grant is null)
                {
                    await OAuthError(context, 400, "invalid_grant", refusal ?? "Malformed auth code.");
                    return;
                }
                break;
            case "refresh_token":
                grant = google.Tokens.FindGrant(form["refresh_token"].ToString());
                newGrant = false;
                if (grant is null)
                {
                    await OAuthError(context, 400, "invalid_grant", "Token has been expired or revoked.");
                    return;
                }
                break;
            default:
                await OAuthError(context, 400, "unsupported_grant_type", "Invalid grant_type: " + form["grant_type"]);
                return;
        }
        var account = google.Account(grant.Email);
        var (token, lifetime) = google.Tokens.IssueAccessToken(grant, google.Options.AccessTokenLifetime);
        var idToken = IdToken(account.Email, account.ProfileId, clientId, google.Clock.GetUtcNow(), lifetime);
        context.Response.Headers.CacheControl = "no-cache, no-store, max-age=0, must-revalidate";
        await GoogleHttp.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteString("access_token", token);
            writer.WriteNumber("expires_in", (int)lifetime.TotalSeconds);
            if (newGrant) writer.WriteString("refresh_token", grant.RefreshToken);
            writer.WriteString("scope", grant.Scope);
            writer.WriteString("token_type", "Bearer");
            writer.WriteString("id_token", idToken);
        });
    }

    private static async Task Revoke(HttpContext context, GoogleSandbox google)
    {
        var token = GoogleHttp.Query(context, "token");
        if (token is null && context.Request.HasFormContentType)
            token = (await context.Request.ReadFormAsync(context.RequestAborted))["token"].ToString();
        if (string.IsNullOrEmpty(token) || !google.Tokens.Revoke(token))
        {
            await OAuthError(context, 400, "invalid_token", "Bad Request");
            return;
        }
        await GoogleHttp.WriteEmptyAsync(context);
    }

    private static async Task UserInfo(HttpContext context, GoogleSandbox google)
    {
        if (google.Authenticate(context) is not { } account)
        {
            await GoogleError.Unauthenticated().WriteAsync(context);
            return;
        }
        await GoogleHttp.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteString("sub", account.ProfileId);
            writer.WriteString("email", account.Email);
            writer.WriteBoolean("email_verified", true);
        });
    }

    /// <summary>An OpenID Connect id_token carrying the account's e-mail. The signature is not a real RS256
    /// one: clients that read the token straight from the token endpoint over TLS may skip verifying it
    /// (OpenID Connect Core 3.1.3.7), which is what the adapter does.</summary>
    private static string IdToken(string email, string subject, string clientId, DateTimeOffset now, TimeSpan lifetime)
    {
        static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "RS256", ["kid"] = "sandbox", ["typ"] = "JWT" });
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = "https://accounts.google.com", ["azp"] = clientId, ["aud"] = clientId, ["sub"] = subject,
            ["email"] = email, ["email_verified"] = true,
            ["iat"] = now.ToUnixTimeSeconds(), ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
        });
        return $"{Encode(header)}.{Encode(payload)}.{Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(256))}";
    }

    private static string? BasicClientId(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            return Uri.UnescapeDataString(decoded.Split(':')[0]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static Task OAuthError(HttpContext context, int status, string error, string description) =>
        GoogleHttp.WriteJsonAsync(context, status, writer =>
        {
            writer.WriteString("error", error);
            writer.WriteString("error_description", description);
        });
}
