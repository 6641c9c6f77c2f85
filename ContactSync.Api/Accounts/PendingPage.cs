using System.Globalization;
using System.Net;

namespace ContactSync.Api.Accounts;

/// <summary>
/// What the other browser sees when a consent was finished away from the browser that started the connect: that
/// nothing was attached, the code its starter needs, and a plain warning not to hand the code to somebody who sent
/// the link. Self-contained HTML under a CSP that allows no script and nothing from elsewhere.
/// </summary>
public static class PendingPage
{
    private const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static void AddHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }

    public static string Render(string provider, string email, string code, Guid connectId, TimeSpan lifetime)
    {
        var providerName = provider == "google" ? "Google" : "Microsoft";
        var minutes = Math.Max(1, (int)Math.Round(lifetime.TotalMinutes)).ToString(CultureInfo.InvariantCulture);
        var account = WebUtility.HtmlEncode(email);
        return $$"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>ContactSync: nothing was connected</title>
            <style>
              body { font: 16px/1.5 system-ui, sans-serif; margin: 0; padding: 2rem 1rem; color: #1b1b1b; background: #f6f6f4; }
              main { max-width: 36rem; margin: 0 auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; border: 1px solid #ddd; }
              h1 { font-size: 1.4rem; margin-top: 0; }
              .code { font: 600 2rem/1.2 ui-monospace, monospace; letter-spacing: .15em; text-align: center; padding: .75rem; background: #f0f0ec; border-radius: 6px; }
              .warning { border-left: 4px solid #b3261e; padding-left: 1rem; }
              small { color: #555; }
            </style>
            </head>
            <body>
            <main>
            <h1>Nothing was connected</h1>
            <p>The {{providerName}} sign-in for <strong>{{account}}</strong> was finished in a different browser than the one
            that started it. ContactSync has <strong>not</strong> attached this account to anybody.</p>
            <p>If you started this connect yourself, in another browser or app, enter this code there within {{minutes}} minutes:</p>
            <p class="code" id="confirmation-code">{{code}}</p>
            <p class="warning"><strong>If somebody sent you the link you just followed, do not give them this code.</strong>
            With it they could attach your {{providerName}} account to their own and read and change your contacts.
            Close this page instead: the sign-in is discarded after {{minutes}} minutes.</p>
            <p><small>Connect id <span id="connect-id">{{connectId:D}}</span></small></p>
            </main>
            </body>
            </html>
            """;
    }
}
