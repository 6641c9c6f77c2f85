using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ContactSync.Providers;

/// <summary>
/// Proof Key for Code Exchange (RFC 7636, S256): the authorize step sends the challenge, the code exchange the
/// verifier, so a code intercepted on its way back (a leaked redirect, a log line) is useless without the verifier,
/// which never leaves the server.
/// </summary>
public static class Pkce
{
    public const string Method = "S256";

    /// <summary>32 random bytes, base64url: 43 characters of the verifier alphabet.</summary>
    public static string NewVerifier() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Challenge(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
