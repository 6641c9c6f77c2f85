using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Users;
using Npgsql;

namespace ContactSync.Api.Users;

/// <summary>Users of a tenant from the <c>directory</c> read model.</summary>
public sealed class UserReads(ReadModelDb db)
{
    private const string Columns =
        "SELECT user_id, name, email, role_id, is_admin, permissions, active, version FROM rm.users WHERE tenant_id = $1";

    public Task<UserResponse?> GetAsync(Guid tenantId, Guid userId, CancellationToken ct) =>
        db.GetAsync(Columns, "user_id", tenantId, userId, Read, ct);

    public Task<List<UserResponse>> ListAsync(Guid tenantId, Guid? after, int limit, CancellationToken ct) =>
        db.PageAsync(Columns, "user_id", tenantId, after, limit, Read, ct);

    private static UserResponse Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetGuid(3), r.GetBoolean(4),
        r.IsDBNull(5) ? [] : Permissions.Canonical(r.GetFieldValue<string[]>(5)), r.GetBoolean(6), r.GetInt64(7));
}
