using System.Security.Cryptography;
using System.Text;
using ContactSync.Api.Infrastructure;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ContactSync.Api.Auth;

/// <summary>
/// Resolves a bearer key to its caller through <c>rm.api_keys</c> and <c>rm.users</c> (active users only),
/// caching the answer per key id for <see cref="ApiOptions.KeyCacheSeconds"/>. That is the revocation delay
/// across API instances; the instance that revokes a key or changes a user forgets its cache at once.
/// </summary>
public sealed class ApiKeyAuthenticator(ReadModelDb db, IOptions<ApiOptions> options, IOptions<OperatorOptions> operatorOptions)
    : IDisposable
{
    // The strict ancestors of the user's role come with the caller: a role's parent is fixed when it is created, so
    // they are as fresh as the cached role itself, and contact reads need no recursive query of their own.
    private const string LookupSql = """
        SELECT k.hash, u.tenant_id, u.user_id, u.name, u.role_id, u.is_admin, ARRAY(
                 WITH RECURSIVE anc(role_id) AS (
                   SELECT r.parent_id FROM rm.roles r WHERE r.role_id = u.role_id AND r.tenant_id = u.tenant_id AND r.parent_id IS NOT NULL
                   UNION
                   SELECT r.parent_id FROM rm.roles r JOIN anc ON r.role_id = anc.role_id WHERE r.parent_id IS NOT NULL)
                 SELECT role_id FROM anc)
          FROM rm.api_keys k
          JOIN rm.users u ON u.user_id = k.user_id AND u.tenant_id = k.tenant_id
         WHERE k.key_id = $1 AND k.revoked_at IS NULL AND u.active
        """;

    // Bounded: unknown key ids are cached too (briefly), so a flood of made-up keys cannot grow it without limit.
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private readonly byte[]? _operatorKey = operatorOptions.Value.OperatorKey is { Length: > 0 } k ? Encoding.UTF8.GetBytes(k) : null;

    public async ValueTask<Caller?> AuthenticateAsync(string key, CancellationToken ct)
    {
        // User keys are recognised by their shape first, so the operator comparison runs only for other keys.
        if (!ApiKeyMaterial.TryReadKeyId(key, out var keyId))
            return _operatorKey is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), _operatorKey) ? Caller.Operator : null;
        if (!_cache.TryGetValue(keyId, out Entry? entry) || entry is null)
        {
            entry = await LoadAsync(keyId, ct);
            var ttl = TimeSpan.FromSeconds(entry.Caller is null ? Math.Min(1, options.Value.KeyCacheSeconds) : options.Value.KeyCacheSeconds);
            if (ttl > TimeSpan.Zero) _cache.Set(keyId, entry, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = ttl });
        }
        return entry.Caller is not null && ApiKeyMaterial.Matches(key, entry.Hash) ? entry.Caller : null;
    }

    /// <summary>Forgets every cached key (after a change to a user or a key made by this instance).</summary>
    public void ForgetAll() => _cache.Compact(1.0);

    private async Task<Entry> LoadAsync(Guid keyId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(LookupSql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = keyId.ToString("D") });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return new Entry("", null);
        var caller = new Caller(r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetGuid(4), r.GetBoolean(5), false)
        {
            RoleAncestors = r.GetFieldValue<Guid[]>(6),
        };
        return new Entry(r.GetString(0), caller);
    }

    public void Dispose() => _cache.Dispose();

    private sealed record Entry(string Hash, Caller? Caller);
}
