using ContactSync.Api.Infrastructure;
using System.Text.Json;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Serialization;
using Npgsql;
using NpgsqlTypes;

namespace ContactSync.Api.Lists;

/// <summary>Lists of a tenant from the <c>contacts</c> read model (deleted lists are not shown).</summary>
public sealed class ListReads(ReadModelDb db)
{
    private const string Columns = "SELECT list_id, name, filter, created_by, version FROM rm.lists WHERE tenant_id = $1 AND NOT deleted";

    public async Task<ListResponse?> GetAsync(Guid tenantId, Guid listId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Columns + " AND list_id = $2");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = listId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public async Task<List<ListResponse>> ListAsync(Guid tenantId, Guid? after, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Columns + " AND ($2::uuid IS NULL OR list_id > $2) ORDER BY list_id LIMIT $3");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)after ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var items = new List<ListResponse>();
        while (await r.ReadAsync(ct)) items.Add(Read(r));
        return items;
    }

    private static ListResponse Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), JsonSerializer.Deserialize<ListFilter>(r.GetString(2), DomainJson.Options) ?? ListFilter.All,
        r.GetGuid(3), r.GetInt64(4));
}

/// <summary>A saved list: <c>{id, name, filter: {tags, ownerIds, company, q}, createdBy, version}</c>.</summary>
public sealed record ListResponse(Guid Id, string Name, ListFilter Filter, Guid CreatedBy, long Version);
