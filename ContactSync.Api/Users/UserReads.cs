using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Users;
using Npgsql;
using NpgsqlTypes;

namespace ContactSync.Api.Users;

/// <summary>Users of a tenant from the <c>directory</c> read model.</summary>
public sealed class UserReads(ReadModelDb db)
{
    private const string Columns =
        "SELECT user_id, name, email, role_id, is_admin, permissions, active, version FROM rm.users WHERE tenant_id = $1";

    public async Task<UserResponse?> GetAsync(Guid tenantId, Guid userId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Columns + " AND user_id = $2");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public async Task<List<UserResponse>> ListAsync(Guid tenantId, Guid? after, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Columns + " AND ($2::uuid IS NULL OR user_id > $2) ORDER BY user_id LIMIT $3");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)after ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<UserResponse>();
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    private static UserResponse Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetGuid(3), r.GetBoolean(4),
        r.IsDBNull(5) ? [] : Permissions.Canonical(r.GetFieldValue<string[]>(5)), r.GetBoolean(6), r.GetInt64(7));
}
