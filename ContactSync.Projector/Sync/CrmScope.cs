using System.Text.Json;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Serialization;
using ContactSync.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace ContactSync.Projector.Sync;

/// <summary>
/// The CRM side of a connection, read from the contacts read model: the contacts in its scope that its user may see
/// (rule 1: a list's visible members, or in <c>owned</c> scope only the user's own), deleted ones left out. The
/// visibility predicate is the API's (ContactReads), evaluated for the connection's user instead of a caller.
/// </summary>
internal sealed class CrmScope(NpgsqlDataSource dataSource)
{
    private const string Sql = """
        WITH RECURSIVE viewer AS (
            SELECT user_id, role_id, is_admin FROM rm.users WHERE tenant_id = $1 AND user_id = $2 AND active),
        ancestors AS (
            SELECT r.parent_id AS id FROM rm.roles r JOIN viewer v ON r.role_id = v.role_id WHERE r.parent_id IS NOT NULL
            UNION
            SELECT r.parent_id FROM rm.roles r JOIN ancestors a ON r.role_id = a.id WHERE r.parent_id IS NOT NULL)
        SELECT c.state FROM rm.contacts c JOIN viewer v ON true LEFT JOIN rm.users o ON o.user_id = c.owner_id
         WHERE c.tenant_id = $1 AND NOT c.deleted
           AND (CASE WHEN $3::uuid IS NULL THEN c.owner_id = $2
                     ELSE EXISTS (SELECT 1 FROM rm.list_members m WHERE m.list_id = $3 AND m.contact_id = c.contact_id) END)
           AND (v.is_admin OR c.owner_id = $2 OR c.visibility = 'company'
                OR (c.visibility <> 'owner' AND $2 = ANY(c.follower_ids))
                OR (c.visibility IN ('owner-role', 'owner-role-and-below') AND o.role_id = v.role_id)
                OR (c.visibility = 'owner-role-and-below' AND o.role_id IN (SELECT id FROM ancestors)))
           AND ($4::uuid[] IS NULL OR c.contact_id = ANY($4))
         ORDER BY c.contact_id
        """;

    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Waits until the contacts read model has applied the log up to <paramref name="position"/> (a CRM change that
    /// woke the worker), at most a few seconds: a run that read the scope before the change was projected would miss
    /// it until the next poll. Past the wait the run goes on; the next wake or poll sees the change.
    /// </summary>
    public async Task WaitForAsync(Position position, CancellationToken ct)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        await using var cmd = dataSource.CreateCommand("""
            SELECT c.commit_position, c.prepare_position FROM rm.projections p
              JOIN es.checkpoints c ON c.subscription_id = p.name || '@v' || p.active_version AND c.partition = 0
             WHERE p.name = 'contacts'
            """);
        while (waited.Elapsed < MaxWait)
        {
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                if (await r.ReadAsync(ct) && new Position(r.GetFieldValue<ulong>(0), (ulong)r.GetInt64(1)) >= position) return;
            await Task.Delay(PollEvery, ct);
        }
    }

    /// <param name="only">When given, only these contacts (those of them in scope): a push after a few CRM edits reads
    /// just what changed instead of the whole scope.</param>
    public async Task<Dictionary<Guid, Contact>> LoadAsync(Connection connection, CancellationToken ct, IReadOnlyCollection<Guid>? only = null)
    {
        await using var cmd = dataSource.CreateCommand(Sql);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = connection.TenantId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = connection.UserId });
        cmd.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Uuid,
            Value = connection.Scope == ConnectionScope.List && connection.ListId is { } list ? list : DBNull.Value,
        });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = only is null ? DBNull.Value : only.ToArray() });
        var result = new Dictionary<Guid, Contact>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var c = JsonSerializer.Deserialize<Contact>(r.GetString(0), DomainJson.Options) ?? throw new JsonException("A contact row holds JSON null.");
            result[c.Id] = c;
        }
        return result;
    }
}
