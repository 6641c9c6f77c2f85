using ContactSync.Api.Infrastructure;
using System.Text;
using System.Text.Json;
using ContactSync.Api.Auth;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Serialization;
using Npgsql;
using NpgsqlTypes;

namespace ContactSync.Api.Contacts;

/// <summary>
/// Contact reads from the <c>contacts</c> read model, each one indexed statement with the visibility rule in SQL
/// (the contract's predicate; the same rule as <see cref="ContactAccess.CanSee(Viewer, Contact, Guid?, Domain.Roles.RoleTree)"/>).
/// </summary>
public sealed class ContactReads(ReadModelDb db)
{
    private const string Visible = """
        (c.owner_id = $2 OR c.visibility = 'company'
         OR (c.visibility <> 'owner' AND $2 = ANY(c.follower_ids))
         OR (c.visibility IN ('owner-role', 'owner-role-and-below') AND o.role_id = $3)
         OR (c.visibility = 'owner-role-and-below' AND o.role_id = ANY($4)))
        """;

    private static readonly string ByIdForAdmin =
        "SELECT c.state FROM rm.contacts c WHERE c.tenant_id = $1 AND c.contact_id = $5 AND (NOT c.deleted OR $6)";

    private static readonly string ByIdForUser = """
        SELECT c.state FROM rm.contacts c LEFT JOIN rm.users o ON o.user_id = c.owner_id
         WHERE c.tenant_id = $1 AND c.contact_id = $5 AND (NOT c.deleted OR $6) AND
        """ + Visible;

    public async Task<Contact?> GetAsync(Caller caller, Guid id, bool includeDeleted, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(caller.IsAdmin ? ByIdForAdmin : ByIdForUser);
        AddViewer(cmd, caller);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = includeDeleted });
        await using var r = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public sealed record Query(string? Q, string? Tag, Guid? OwnerId, Guid? ListId, bool IncludeDeleted, Guid? After, int Limit);

    /// <summary>Visible contacts in id order (ids are time-ordered UUIDv7), one more than the limit to detect a next page.</summary>
    public async Task<List<Contact>> ListAsync(Caller caller, Query q, CancellationToken ct)
    {
        var sql = new StringBuilder();
        sql.Append("SELECT c.state FROM rm.contacts c LEFT JOIN rm.users o ON o.user_id = c.owner_id WHERE c.tenant_id = $1");
        if (!caller.IsAdmin) sql.Append(" AND ").Append(Visible);
        sql.Append("""
             AND (NOT c.deleted OR $5)
             AND ($6::text IS NULL OR c.search LIKE $6 ESCAPE '\')
             AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM unnest(c.tags) t WHERE lower(t) = $7))
             AND ($8::uuid IS NULL OR c.owner_id = $8)
             AND ($9::uuid IS NULL OR EXISTS (SELECT 1 FROM rm.list_members m WHERE m.list_id = $9 AND m.contact_id = c.contact_id))
             AND ($10::uuid IS NULL OR c.contact_id > $10)
            ORDER BY c.contact_id LIMIT $11
            """);
        await using var cmd = db.CreateCommand(sql.ToString());
        AddViewer(cmd, caller);
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = q.IncludeDeleted });
        cmd.Parameters.Add(Nullable(NpgsqlDbType.Text, q.Q is null ? null : "%" + EscapeLike(q.Q.ToLowerInvariant()) + "%"));
        cmd.Parameters.Add(Nullable(NpgsqlDbType.Text, q.Tag?.ToLowerInvariant()));
        cmd.Parameters.Add(Nullable(NpgsqlDbType.Uuid, q.OwnerId));
        cmd.Parameters.Add(Nullable(NpgsqlDbType.Uuid, q.ListId));
        cmd.Parameters.Add(Nullable(NpgsqlDbType.Uuid, q.After));
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = q.Limit + 1 });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<Contact>();
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    /// <summary>
    /// Visible, live contacts other than <paramref name="contact"/> that share an e-mail or phone key with it or its
    /// company (the read model's expression indexes find them); <see cref="MatchKeys"/> then decides which resemble it.
    /// </summary>
    public async Task<List<Contact>> DuplicateCandidatesAsync(Caller caller, Contact contact, int limit, CancellationToken ct)
    {
        var sql = new StringBuilder();
        sql.Append("SELECT c.state FROM rm.contacts c LEFT JOIN rm.users o ON o.user_id = c.owner_id WHERE c.tenant_id = $1");
        if (!caller.IsAdmin) sql.Append(" AND ").Append(Visible);
        sql.Append("""
             AND NOT c.deleted AND c.contact_id <> $5
             AND (rm.email_keys(c.state) && $6 OR rm.phone_keys(c.state) && $7 OR ($8::text IS NOT NULL AND btrim(regexp_replace(lower(c.company), '[^[:alnum:]]+', ' ', 'g')) = $8))
            ORDER BY c.contact_id LIMIT $9
            """);
        await using var cmd = db.CreateCommand(sql.ToString());
        AddViewer(cmd, caller);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = contact.Id });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. MatchKeys.EmailKeys(contact.Fields)] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. MatchKeys.PhoneKeys(contact.Fields)] });
        cmd.Parameters.Add(Nullable(NpgsqlDbType.Text, contact.Fields.Company is { } company ? CompanyKey(company) : null));
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<Contact>();
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    /// <summary>
    /// Visible, live contacts that users other than the caller own and that share an e-mail, a phone or a company key
    /// with one of the given keys (the same expression indexes as <see cref="DuplicateCandidatesAsync"/>), in id order,
    /// at most <paramref name="limit"/>: the candidates of rule 15's warning, found in SQL instead of reading every
    /// contact of the tenant.
    /// </summary>
    public async Task<List<Contact>> OthersSharingKeysAsync(
        Caller caller, IReadOnlyCollection<string> emailKeys, IReadOnlyCollection<string> phoneKeys, IReadOnlyCollection<string> companies,
        int limit, CancellationToken ct)
    {
        var sql = new StringBuilder();
        sql.Append("SELECT c.state FROM rm.contacts c LEFT JOIN rm.users o ON o.user_id = c.owner_id WHERE c.tenant_id = $1");
        if (!caller.IsAdmin) sql.Append(" AND ").Append(Visible);
        sql.Append("""
             AND NOT c.deleted AND c.owner_id <> $2
             AND (rm.email_keys(c.state) && $5 OR rm.phone_keys(c.state) && $6 OR btrim(regexp_replace(lower(c.company), '[^[:alnum:]]+', ' ', 'g')) = ANY($7))
            ORDER BY c.contact_id LIMIT $8
            """);
        await using var cmd = db.CreateCommand(sql.ToString());
        AddViewer(cmd, caller);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. emailKeys] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. phoneKeys] });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. companies.Select(CompanyKey).Where(k => k.Length > 0).Distinct()] });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<Contact>();
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    /// <summary>Which of these contacts (deleted ones included) the caller may see, by the same rule as every read.</summary>
    public async Task<HashSet<Guid>> VisibleIdsAsync(Caller caller, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var sql = "SELECT c.contact_id FROM rm.contacts c LEFT JOIN rm.users o ON o.user_id = c.owner_id WHERE c.tenant_id = $1 AND c.contact_id = ANY($5)"
            + (caller.IsAdmin ? "" : " AND " + Visible);
        await using var cmd = db.CreateCommand(sql);
        AddViewer(cmd, caller);
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. ids.Distinct()] });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var visible = new HashSet<Guid>();
        while (await r.ReadAsync(ct)) visible.Add(r.GetGuid(0));
        return visible;
    }

    // The company key as the read model's expression index computes it (lower case, runs of other than letters and
    // digits as one space, trimmed).
    private static string CompanyKey(string company) =>
        System.Text.RegularExpressions.Regex.Replace(company.ToLowerInvariant(), @"[^\p{L}\p{Nd}]+", " ").Trim();

    // $1 tenant, $2 viewer, $3 viewer's role, $4 its ancestors: the same positions in every statement (unused ones
    // are harmless).
    private static void AddViewer(NpgsqlCommand cmd, Caller caller)
    {
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.TenantId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.UserId });
        cmd.Parameters.Add(Nullable(NpgsqlDbType.Uuid, caller.RoleId));
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = caller.RoleAncestors });
    }

    private static Contact Read(NpgsqlDataReader r) =>
        JsonSerializer.Deserialize<Contact>(r.GetString(0), DomainJson.Options) ?? throw new JsonException("A contact row holds JSON null.");

    private static NpgsqlParameter Nullable(NpgsqlDbType type, object? value) => new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };

    private static string EscapeLike(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
