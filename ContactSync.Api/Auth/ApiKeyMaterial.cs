using System.Security.Cryptography;
using System.Text;

namespace ContactSync.Api.Auth;

/// <summary>
/// API keys: <c>csk_&lt;key id&gt;_&lt;secret&gt;</c> with 32 random bytes of secret. The key id finds the stored
/// record without scanning; only a SHA-256 hash of the whole key is stored (a fast hash is enough for
/// 256-bit random secrets, which cannot be guessed from a leaked hash).
/// </summary>
public static class ApiKeyMaterial
{
    private const string Prefix = "csk_";
    private const int MaxKeyLength = 128;

    public sealed record NewKey(Guid KeyId, string Key, string Hash);

    public static NewKey Create()
    {
        var keyId = Guid.CreateVersion7();
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var key = $"{Prefix}{keyId:N}_{secret}";
        return new NewKey(keyId, key, Hash(key));
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool TryReadKeyId(string key, out Guid keyId)
    {
        keyId = Guid.Empty;
        return key.Length is > 37 and <= MaxKeyLength && key.StartsWith(Prefix, StringComparison.Ordinal) && key[36] == '_' &&
               Guid.TryParseExact(key.AsSpan(4, 32), "N", out keyId);
    }

    /// <summary>Whether <paramref name="key"/> hashes to <paramref name="storedHash"/> (hex), compared in fixed time.</summary>
    public static bool Matches(string key, string storedHash)
    {
        Span<byte> utf8 = stackalloc byte[MaxKeyLength * 3];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> stored = stackalloc byte[SHA256.HashSizeInBytes];
        if (storedHash.Length != SHA256.HashSizeInBytes * 2 || Convert.FromHexString(storedHash, stored, out _, out var written) != System.Buffers.OperationStatus.Done ||
            written != stored.Length || !Encoding.UTF8.TryGetBytes(key, utf8, out var length))
            return false;
        SHA256.HashData(utf8[..length], hash);
        return CryptographicOperations.FixedTimeEquals(hash, stored);
    }
}
