using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ContactSync.Providers.Accounts;

/// <summary>
/// The <c>clientState</c> a change-notification subscription carries, so the webhook can tell a real notification for
/// a connection from a forged one without a lookup: <c>{connection id}.{key id}.{MAC}</c>, where the MAC is an
/// HMAC-SHA256 (first 16 bytes, base64url) of the connection id under a key derived (HKDF) from the grant key of that
/// id (<see cref="GrantKeyOptions"/>). The Api and the Projector share the grant keys already, so no other secret is
/// configured, and keys rotate as grants do: a state signed with a key that is still listed keeps verifying. At most
/// 32 + 1 + 64 + 1 + 22 = 120 characters (Graph allows 128).
/// </summary>
public sealed class NotificationClientState
{
    private const int MacBytes = 16;
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("contactsync.notification-client-state");
    private readonly string _currentId;
    private readonly Dictionary<string, byte[]> _keys;

    public NotificationClientState(IOptions<GrantKeyOptions> options)
    {
        var value = options.Value;
        _currentId = value.Current ?? throw new InvalidOperationException($"{GrantKeyOptions.SectionName}:Current is not configured.");
        _keys = value.Keys.ToDictionary(k => k.Key, k => HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromBase64String(k.Value.Trim()), 32, info: Label),
            StringComparer.Ordinal);
    }

    public string For(Guid connectionId) => $"{connectionId:N}.{_currentId}.{Mac(_keys[_currentId], connectionId)}";

    /// <summary>The connection a client state was issued for; false when it is malformed, of an unknown key, or forged.</summary>
    public bool TryRead(string? clientState, [NotNullWhen(true)] out Guid? connectionId)
    {
        connectionId = null;
        if (clientState is not { Length: <= 128 }) return false;
        var parts = clientState.Split('.');
        if (parts.Length != 3 || !Guid.TryParseExact(parts[0], "N", out var id) || !_keys.TryGetValue(parts[1], out var key)) return false;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(key, id)), Encoding.ASCII.GetBytes(parts[2]))) return false;
        connectionId = id;
        return true;
    }

    private static string Mac(byte[] key, Guid connectionId)
    {
        var mac = HMACSHA256.HashData(key, connectionId.ToByteArray());
        return Convert.ToBase64String(mac, 0, MacBytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
