using System.Text.Json;
using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Serialization;
using ContactSync.EventStore;
using ContactSync.EventStore.Projections;
using ContactSync.Projector.Projections;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ContactSync.Projector.Contacts;

/// <summary>
/// Contacts, lists and list membership. A batch takes the touched contacts from its <see cref="ContactStateCache"/>
/// (the rest, and the lists, in one query each), folds them with the domain's <c>Evolve</c>, writes them back
/// (<see cref="ContactWriter"/>; lists in one statement), then recomputes membership with
/// <see cref="ListFilter.Matches"/> (the only definition of it): per changed contact against its tenant's lists,
/// and per created, re-filtered or deleted list against its tenant's contacts.
/// </summary>
internal sealed class ContactsProjection(ProjectionTables tables, ILogger logger) : IPostgresProjection
{
    /// <summary>Most contact states a runner keeps between batches (roughly 2-3 KB each).</summary>
    private const int CachedContacts = 250_000;

    private readonly ContactStateCache _cache = new(tables.CheckpointId, CachedContacts);

    public static readonly ProjectionDefinition Definition = new("contacts",
    [
        new("contacts", """
            contact_id uuid PRIMARY KEY, tenant_id uuid NOT NULL, owner_id uuid NOT NULL, follower_ids uuid[] NOT NULL,
            visibility text NOT NULL, tags text[] NOT NULL, company text NULL, display_name text NULL, search text NOT NULL,
            deleted bool NOT NULL, version bigint NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
            state jsonb NOT NULL
            """, ["tenant_id, display_name", "tenant_id, owner_id", "tenant_id, updated_at",
                // Rule 15's likely duplicates: shared e-mail, shared phone, or a close name in the same company.
                "USING gin (rm.email_keys(state))", "USING gin (rm.phone_keys(state))", "tenant_id, btrim(regexp_replace(lower(company), '[^[:alnum:]]+', ' ', 'g'))"]),
        new("lists", "list_id uuid PRIMARY KEY, tenant_id uuid NOT NULL, name text NOT NULL, filter jsonb NOT NULL, created_by uuid NOT NULL, deleted bool NOT NULL, version bigint NOT NULL",
            ["tenant_id"]),
        new("list_members", "list_id uuid NOT NULL, contact_id uuid NOT NULL, tenant_id uuid NOT NULL, PRIMARY KEY (list_id, contact_id)",
            ["contact_id"], IndexesServeWrites: true),
    ],
        EventFilter.StreamPrefix(StreamNames.ContactCategory + "-", StreamNames.ListCategory + "-"),
        (t, logs) => new ContactsProjection(t, logs.CreateLogger<ContactsProjection>()));

    public EventFilter? Filter => Definition.Filter;

    public async Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<RecordedEvent> events, CancellationToken ct)
    {
        await _cache.BeginAsync(conn, tx, ct);
        var batch = DomainEvents.Read(events, logger);
        var contactEvents = batch.Select(e => e.Event).OfType<ContactEvent>().ToList();
        var listEvents = batch.Select(e => e.Event).OfType<ListEvent>().ToList();

        var contacts = new Dictionary<Guid, Contact>();
        var missing = new HashSet<Guid>();
        foreach (var id in contactEvents.Select(e => e.ContactId))
        {
            if (contacts.ContainsKey(id) || missing.Contains(id)) continue;
            if (_cache.TryGet(id, out var cached)) contacts[id] = cached;
            else missing.Add(id);
        }
        foreach (var (id, loaded) in await LoadContactsAsync(conn, tx, missing, ct)) contacts[id] = loaded;
        foreach (var e in contactEvents)
            contacts[e.ContactId] = Contact.Evolve(contacts.GetValueOrDefault(e.ContactId, Contact.Initial), e);
        await ContactWriter.ReplaceAsync(conn, tx, tables["contacts"], contacts.Values, ct);

        var lists = (await Rows.LoadAsync<ListRow>(conn, tx, tables["lists"], "list_id",
            listEvents.Select(e => e.ListId).ToHashSet(), ct)).ToDictionary(r => r.ListId, r => r.ToState());
        var refiltered = new HashSet<Guid>();
        foreach (var e in listEvents)
        {
            lists[e.ListId] = ContactList.Evolve(lists.GetValueOrDefault(e.ListId, ContactList.Initial), e);
            if (e is not ListEvent.ListRenamed) refiltered.Add(e.ListId);
        }
        await Rows.UpsertAsync(conn, tx, tables["lists"], "list_id", [.. lists.Values.Select(ListRow.From)], ct);

        var members = new List<(Guid List, Guid Contact, Guid Tenant)>();
        if (contacts.Count > 0)
        {
            var tenantLists = await LoadListsOfTenantsAsync(conn, tx, contacts.Values.Select(c => c.TenantId).ToHashSet(), ct);
            // A membership row always names a list that is not deleted (deleting a list re-filters it to nothing), so
            // a contact of a tenant without lists has none to remove.
            Guid[] inTenantsWithLists = [.. contacts.Values.Where(c => tenantLists.ContainsKey(c.TenantId)).Select(c => c.Id)];
            if (inTenantsWithLists.Length > 0)
                await DeleteMembersAsync(conn, tx, "contact_id = ANY($1) AND NOT list_id = ANY($2)", inTenantsWithLists, [.. refiltered], ct);
            foreach (var c in contacts.Values)
            {
                if (!tenantLists.TryGetValue(c.TenantId, out var candidates)) continue;
                foreach (var list in candidates)
                    if (!refiltered.Contains(list.Id) && list.Filter.Matches(c)) members.Add((list.Id, c.Id, c.TenantId));
            }
        }
        if (refiltered.Count > 0)
        {
            await DeleteMembersAsync(conn, tx, "list_id = ANY($2)", [], [.. refiltered], ct);
            foreach (var tenantGroup in refiltered.Select(id => lists[id]).Where(l => !l.Deleted).GroupBy(l => l.TenantId))
            {
                var all = await LoadTenantContactsAsync(conn, tx, tenantGroup.Key, ct);
                foreach (var list in tenantGroup)
                    foreach (var c in all)
                        if (list.Filter.Matches(c)) members.Add((list.Id, c.Id, c.TenantId));
            }
        }
        await InsertMembersAsync(conn, tx, members, ct);
        foreach (var (id, c) in contacts) _cache.Set(id, c);
        _cache.Complete();
    }

    private async Task<Dictionary<Guid, Contact>> LoadContactsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, HashSet<Guid> ids, CancellationToken ct)
    {
        var result = new Dictionary<Guid, Contact>(ids.Count);
        if (ids.Count == 0) return result;
        await using var cmd = new NpgsqlCommand($"SELECT state::text FROM {tables["contacts"]} WHERE contact_id = ANY($1)", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. ids] });
        foreach (var json in await Rows.ReadStringsAsync(cmd, ct))
        {
            var c = JsonSerializer.Deserialize<Contact>(json, DomainJson.Options)!;
            result[c.Id] = c;
        }
        return result;
    }

    private async Task<List<Contact>> LoadTenantContactsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, CancellationToken ct)
    {
        var result = new List<Contact>();
        await using var cmd = new NpgsqlCommand($"SELECT state::text FROM {tables["contacts"]} WHERE tenant_id = $1 AND NOT deleted", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        foreach (var json in await Rows.ReadStringsAsync(cmd, ct))
            result.Add(JsonSerializer.Deserialize<Contact>(json, DomainJson.Options)!);
        return result;
    }

    private async Task<Dictionary<Guid, List<ContactList>>> LoadListsOfTenantsAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        HashSet<Guid> tenantIds, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT to_jsonb(l)::text FROM {tables["lists"]} l WHERE tenant_id = ANY($1) AND NOT deleted", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. tenantIds] });
        var result = new Dictionary<Guid, List<ContactList>>();
        foreach (var json in await Rows.ReadStringsAsync(cmd, ct))
        {
            var list = JsonSerializer.Deserialize<ListRow>(json, Rows.Options)!.ToState();
            if (!result.TryGetValue(list.TenantId, out var ofTenant)) result[list.TenantId] = ofTenant = [];
            ofTenant.Add(list);
        }
        return result;
    }

    private async Task DeleteMembersAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string where, Guid[] contactIds, Guid[] listIds, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"DELETE FROM {tables["list_members"]} WHERE {where}", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = contactIds });
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = listIds });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task InsertMembersAsync(NpgsqlConnection conn, NpgsqlTransaction tx, List<(Guid List, Guid Contact, Guid Tenant)> members, CancellationToken ct)
    {
        if (members.Count == 0) return;
        await using var cmd = new NpgsqlCommand($"""
            INSERT INTO {tables["list_members"]} (list_id, contact_id, tenant_id)
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) ON CONFLICT DO NOTHING
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. members.Select(m => m.List)] });
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. members.Select(m => m.Contact)] });
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. members.Select(m => m.Tenant)] });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
