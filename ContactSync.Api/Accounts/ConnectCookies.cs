using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ContactSync.Api.Accounts;

/// <summary>
/// Binds a connect to the browser that starts it. The connect answer sets an HttpOnly, SameSite=Lax cookie
/// <c>contactsync-connect-{connect id}</c> (one per flow, so two connects in one browser do not clash; path: the
/// callback) holding 32 random bytes; the state binding keeps only their SHA-256. The provider's redirect back is a
/// top-level GET, so Lax sends the cookie along, and the callback attaches the account only when it matches. A link
/// finished in another browser (someone sent the consent address to somebody else) carries no such cookie.
/// </summary>
public static class ConnectCookies
{
    public const string Prefix = "contactsync-connect-";
    private const int NonceBytes = 32;

    public static string Name(Guid connectId) => Prefix + connectId.ToString("N");

    /// <summary>Sets the cookie on the connect answer; returns the hash to keep in the state binding.</summary>
    public static string Issue(HttpResponse response, Guid connectId, Uri callback, TimeSpan lifetime)
    {
        var nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(NonceBytes));
        response.Cookies.Append(Name(connectId), nonce, Options(callback, lifetime));
        return Hash(nonce);
    }

    /// <summary>Whether the request carries the cookie whose hash the binding holds (compared in fixed time).</summary>
    public static bool Matches(HttpRequest request, Guid connectId, string? expectedHash)
    {
        if (expectedHash is null || connectId == Guid.Empty || request.Cookies[Name(connectId)] is not { Length: > 0 and <= 256 } nonce) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(nonce)), Encoding.ASCII.GetBytes(expectedHash));
    }

    /// <summary>The callback spends the state whatever happens next, so the cookie goes too.</summary>
    public static void Clear(HttpResponse response, Guid connectId, Uri callback) =>
        response.Cookies.Delete(Name(connectId), Options(callback, null));

    private static CookieOptions Options(Uri callback, TimeSpan? lifetime) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        // Over plain http (local runs) a Secure cookie would never come back.
        Secure = callback.Scheme == Uri.UriSchemeHttps,
        Path = callback.AbsolutePath,
        MaxAge = lifetime,
        IsEssential = true,
    };

    private static string Hash(string nonce) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(nonce)));
}
