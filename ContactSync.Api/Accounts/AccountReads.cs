using ContactSync.Api.Infrastructure;
using Npgsql;

namespace ContactSync.Api.Accounts;

/// <summary>The caller's accounts from <c>rm.accounts</c> (disconnected ones are history, not listed).</summary>
public sealed class AccountReads(ReadModelDb db)
{
    private const string ListSql = """
        SELECT account_id, provider, email, status FROM rm.accounts
         WHERE tenant_id = $1 AND user_id = $2 AND status <> 'disconnected'
         ORDER BY account_id
        """;

    public async Task<List<AccountResponse>> ListAsync(Guid tenantId, Guid userId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ListSql);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var items = new List<AccountResponse>();
        while (await r.ReadAsync(ct)) items.Add(new AccountResponse(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        return items;
    }
}
