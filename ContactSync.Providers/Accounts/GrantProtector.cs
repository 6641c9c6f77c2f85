using System.Security.Cryptography;
using System.Text;
using ContactSync.Domain.Accounts;
using Microsoft.Extensions.Options;

namespace ContactSync.Providers.Accounts;

/// <summary>
/// Seals refresh tokens with AES-256-GCM under a key from <see cref="GrantKeyOptions"/>. The sealed form is
/// base64 of nonce (12 bytes) | tag (16) | ciphertext, with the key id beside it. The account id is the associated
/// data, so a sealed grant copied onto another account does not open. Other short-lived secrets of the connect flow
/// (a grant waiting for confirmation, a PKCE verifier) are sealed the same way under their own purpose and id, so
/// none of them opens as another.
/// </summary>
public sealed class GrantProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const string GrantPurpose = "grant";
    private readonly string _currentId;
    private readonly Dictionary<string, byte[]> _keys;

    public GrantProtector(IOptions<GrantKeyOptions> options)
    {
        var value = options.Value;
        _currentId = value.Current ?? throw new InvalidOperationException($"{GrantKeyOptions.SectionName}:Current is not configured.");
        _keys = value.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value.Trim()), StringComparer.Ordinal);
        if (!_keys.TryGetValue(_currentId, out var current) || current.Length != 32)
            throw new InvalidOperationException($"{GrantKeyOptions.SectionName}:Keys:{_currentId} must be base64 of exactly 32 bytes.");
    }

    public SealedSecret Seal(string secret, Guid accountId) => Seal(secret, GrantPurpose, accountId);

    /// <exception cref="CryptographicException">The key id is not configured, or the sealed value was altered or
    /// belongs to another account.</exception>
    public string Unseal(SealedSecret sealedSecret, Guid accountId) => Unseal(sealedSecret, GrantPurpose, accountId);

    /// <param name="purpose">What the secret is (letters and '-'), bound in with <paramref name="id"/>.</param>
    public SealedSecret Seal(string secret, string purpose, Guid id)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[_currentId], TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Associated(purpose, id));
        CryptographicOperations.ZeroMemory(plain);
        return new SealedSecret(_currentId, Convert.ToBase64String(output));
    }

    /// <exception cref="CryptographicException">The key id is not configured, or the sealed value was altered or
    /// was sealed for another purpose or id.</exception>
    public string Unseal(SealedSecret sealedSecret, string purpose, Guid id)
    {
        if (!_keys.TryGetValue(sealedSecret.KeyId, out var key))
            throw new CryptographicException($"Grant key '{sealedSecret.KeyId}' is not configured under {GrantKeyOptions.SectionName}:Keys.");
        var input = Convert.FromBase64String(sealedSecret.Ciphertext);
        if (input.Length < NonceSize + TagSize) throw new CryptographicException("The sealed grant is too short.");
        var plain = new byte[input.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize + TagSize), input.AsSpan(NonceSize, TagSize), plain, Associated(purpose, id));
        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] Associated(string purpose, Guid id) =>
        purpose.Length > 0 && purpose.All(c => c is (>= 'a' and <= 'z') or '-')
            ? Encoding.ASCII.GetBytes($"contactsync.{purpose}:{id:D}")
            : throw new ArgumentException("A purpose is lowercase letters and '-'.", nameof(purpose));
}
