using ContactSync.Api.Infrastructure;
using System.Text.Json;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Serialization;
using Npgsql;

namespace ContactSync.Api.Lists;

/// <summary>Lists of a tenant from the <c>contacts</c> read model (deleted lists are not shown).</summary>
public sealed class ListReads(ReadModelDb db)
{
    private const string Columns = "SELECT list_id, name, filter, created_by, version FROM rm.lists WHERE tenant_id = $1 AND NOT deleted";

    public Task<ListResponse?> GetAsync(Guid tenantId, Guid listId, CancellationToken ct) =>
        db.GetAsync(Columns, "list_id", tenantId, listId, Read, ct);

    public Task<List<ListResponse>> ListAsync(Guid tenantId, Guid? after, int limit, CancellationToken ct) =>
        db.PageAsync(Columns, "list_id", tenantId, after, limit, Read, ct);

    private static ListResponse Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), JsonSerializer.Deserialize<ListFilter>(r.GetString(2), DomainJson.Options) ?? ListFilter.All,
        r.GetGuid(3), r.GetInt64(4));
}

/// <summary>A saved list: <c>{id, name, filter: {tags, ownerIds, company, q}, createdBy, version}</c>.</summary>
public sealed record ListResponse(Guid Id, string Name, ListFilter Filter, Guid CreatedBy, long Version);
