using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ContactSync.Sandbox.OAuth;

/// <summary>
/// Proof Key for Code Exchange (RFC 7636) as both identity platforms apply it: a code issued for a
/// <c>code_challenge</c> is redeemed only with the <c>code_verifier</c> it was made from (S256: the base64url SHA-256
/// of the verifier; plain: the verifier itself, the default method); a code issued without a challenge needs none.
/// </summary>
public sealed record PkceChallenge(string Challenge, string Method)
{
    public const string S256 = "S256";
    public const string Plain = "plain";

    /// <summary>The challenge of an authorize request: none, one, or why the request is refused.</summary>
    public static (PkceChallenge? Challenge, string? Problem) From(string? challenge, string? method)
    {
        if (string.IsNullOrEmpty(challenge)) return (null, null);
        method = string.IsNullOrEmpty(method) ? Plain : method;
        if (method is not (S256 or Plain)) return (null, $"Invalid code_challenge_method: {method}");
        return IsWellFormed(challenge) ? (new PkceChallenge(challenge, method), null) : (null, "Invalid code_challenge: 43-128 characters of [A-Za-z0-9-._~]");
    }

    public bool IsMetBy(string verifier)
    {
        if (!IsWellFormed(verifier)) return false;
        var expected = Method == S256 ? Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) : verifier;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(Challenge));
    }

    private static bool IsWellFormed(string value) =>
        value.Length is >= 43 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');
}
