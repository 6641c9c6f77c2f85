using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Roles;
using ContactSync.Domain.Users;
using ContactSync.EventStore;
using ContactSync.EventStore.Projections;
using ContactSync.Projector.Projections;
using Npgsql;

namespace ContactSync.Projector.Dashboard;

/// <summary>
/// Per-tenant totals: live contacts, deleted contacts, active users, roles and lists not deleted, events, last
/// event time. A batch sums its deltas per tenant in memory and adds them in one statement.
/// </summary>
internal sealed class DashboardProjection(ProjectionTables tables, ILogger logger) : IPostgresProjection
{
    public static readonly ProjectionDefinition Definition = new("dashboard",
    [
        new("tenant_totals", """
            tenant_id uuid PRIMARY KEY, contacts int NOT NULL, deleted_contacts int NOT NULL, users int NOT NULL,
            roles int NOT NULL, lists int NOT NULL, events bigint NOT NULL, last_event_at timestamptz NOT NULL
            """, []),
    ],
        DomainStreams.AllAggregates,
        (t, logs) => new DashboardProjection(t, logs.CreateLogger<DashboardProjection>()));

    public EventFilter? Filter => Definition.Filter;

    public async Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<RecordedEvent> events, CancellationToken ct)
    {
        var totals = new Dictionary<Guid, Totals>();
        foreach (var e in DomainEvents.Read(events, logger))
        {
            if (DomainStreams.Describe(e.Event) is not { } d) continue;
            if (!totals.TryGetValue(d.TenantId, out var t)) totals[d.TenantId] = t = new Totals();
            t.Events++;
            if (d.At > t.LastEventAt) t.LastEventAt = d.At;
            switch (e.Event)
            {
                case ContactEvent.ContactCreated: t.Contacts++; break;
                case ContactEvent.ContactDeleted: t.Contacts--; t.DeletedContacts++; break;
                case ContactEvent.ContactRestored: t.Contacts++; t.DeletedContacts--; break;
                case UserEvent.UserCreated: t.Users++; break;
                case UserEvent.UserDeactivated: t.Users--; break;
                case RoleEvent.RoleCreated: t.Roles++; break;
                case RoleEvent.RoleDeleted: t.Roles--; break;
                case ListEvent.ListCreated: t.Lists++; break;
                case ListEvent.ListDeleted: t.Lists--; break;
            }
        }
        if (totals.Count == 0) return;
        await using var cmd = new NpgsqlCommand($"""
            INSERT INTO {tables["tenant_totals"]} AS t (tenant_id, contacts, deleted_contacts, users, roles, lists, events, last_event_at)
            SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::bigint[], $8::timestamptz[])
            ON CONFLICT (tenant_id) DO UPDATE SET
              contacts = t.contacts + excluded.contacts, deleted_contacts = t.deleted_contacts + excluded.deleted_contacts,
              users = t.users + excluded.users, roles = t.roles + excluded.roles, lists = t.lists + excluded.lists,
              events = t.events + excluded.events, last_event_at = greatest(t.last_event_at, excluded.last_event_at)
            """, conn, tx);
        var rows = totals.ToList();
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. rows.Select(r => r.Key)] });
        foreach (var read in new Func<Totals, int>[] { t => t.Contacts, t => t.DeletedContacts, t => t.Users, t => t.Roles, t => t.Lists })
            cmd.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. rows.Select(r => read(r.Value))] });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.Value.Events)] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. rows.Select(r => r.Value.LastEventAt.ToUniversalTime())] });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private sealed class Totals
    {
        public int Contacts, DeletedContacts, Users, Roles, Lists;
        public long Events;
        public DateTimeOffset LastEventAt = DateTimeOffset.MinValue;
    }
}
