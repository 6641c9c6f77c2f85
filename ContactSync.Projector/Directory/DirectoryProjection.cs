using ContactSync.Domain.Common;
using ContactSync.Domain.Roles;
using ContactSync.Domain.Tenants;
using ContactSync.Domain.Users;
using ContactSync.EventStore;
using ContactSync.EventStore.Projections;
using ContactSync.Projector.Projections;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ContactSync.Projector.Directory;

/// <summary>Tenants, roles, users and API keys: the rows the API authorises and resolves visibility with.</summary>
internal sealed class DirectoryProjection(ProjectionTables tables, ILogger logger) : IPostgresProjection
{
    public static readonly ProjectionDefinition Definition = new("directory",
    [
        new("tenants", "tenant_id uuid PRIMARY KEY, name text NOT NULL, default_visibility text NOT NULL, created_at timestamptz NOT NULL, version bigint NOT NULL", []),
        new("roles", "role_id uuid PRIMARY KEY, tenant_id uuid NOT NULL, name text NOT NULL, parent_id uuid NULL, deleted bool NOT NULL, version bigint NOT NULL", ["tenant_id"]),
        new("users", "user_id uuid PRIMARY KEY, tenant_id uuid NOT NULL, name text NOT NULL, email text NOT NULL, role_id uuid NULL, is_admin bool NOT NULL, permissions text[] NOT NULL, active bool NOT NULL, version bigint NOT NULL",
            ["tenant_id, lower(email)", "role_id"]),
        new("api_keys", "key_id text PRIMARY KEY, tenant_id uuid NOT NULL, user_id uuid NOT NULL, hash text NOT NULL, created_at timestamptz NOT NULL, revoked_at timestamptz NULL",
            ["hash", "user_id"]),
    ],
        EventFilter.StreamPrefix(StreamNames.TenantCategory + "-", StreamNames.RoleCategory + "-", StreamNames.UserCategory + "-"),
        (t, logs) => new DirectoryProjection(t, logs.CreateLogger<DirectoryProjection>()));

    public EventFilter? Filter => Definition.Filter;

    public async Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<RecordedEvent> events, CancellationToken ct)
    {
        var batch = DomainEvents.Read(events, logger);
        var tenantEvents = batch.Select(e => e.Event).OfType<TenantEvent>().ToList();
        var roleEvents = batch.Select(e => e.Event).OfType<RoleEvent>().ToList();
        var userEvents = batch.Select(e => e.Event).OfType<UserEvent>().ToList();

        var tenants = (await Rows.LoadAsync<TenantRow>(conn, tx, tables["tenants"], "tenant_id",
            tenantEvents.Select(e => e.TenantId).ToHashSet(), ct)).ToDictionary(r => r.TenantId, r => r.ToState());
        foreach (var e in tenantEvents)
            tenants[e.TenantId] = Tenant.Evolve(tenants.GetValueOrDefault(e.TenantId, Tenant.Initial), e);
        await Rows.UpsertAsync(conn, tx, tables["tenants"], "tenant_id", [.. tenants.Values.Select(TenantRow.From)], ct);

        var roles = (await Rows.LoadAsync<RoleRow>(conn, tx, tables["roles"], "role_id",
            roleEvents.Select(e => e.RoleId).ToHashSet(), ct)).ToDictionary(r => r.RoleId, r => r.ToState());
        foreach (var e in roleEvents)
            roles[e.RoleId] = Role.Evolve(roles.GetValueOrDefault(e.RoleId, Role.Initial), e);
        await Rows.UpsertAsync(conn, tx, tables["roles"], "role_id", [.. roles.Values.Select(RoleRow.From)], ct);

        var users = (await Rows.LoadAsync<UserRow>(conn, tx, tables["users"], "user_id",
            userEvents.Select(e => e.UserId).ToHashSet(), ct)).ToDictionary(r => r.UserId, r => r.ToState());
        var keys = new Dictionary<Guid, ApiKeyRow>();
        var revoked = new List<(Guid KeyId, DateTimeOffset At)>();
        foreach (var e in userEvents)
        {
            users[e.UserId] = User.Evolve(users.GetValueOrDefault(e.UserId, User.Initial), e);
            switch (e)
            {
                case UserEvent.UserApiKeyAdded k:
                    keys[k.KeyId] = new ApiKeyRow(k.KeyId.ToString(), k.TenantId, k.UserId, k.Hash, k.At, null);
                    break;
                case UserEvent.UserApiKeyRevoked k when keys.TryGetValue(k.KeyId, out var added):
                    keys[k.KeyId] = added with { RevokedAt = k.At };
                    break;
                case UserEvent.UserApiKeyRevoked k:
                    revoked.Add((k.KeyId, k.At));
                    break;
            }
        }
        await Rows.UpsertAsync(conn, tx, tables["users"], "user_id", [.. users.Values.Select(UserRow.From)], ct);
        await Rows.InsertAsync(conn, tx, tables["api_keys"], keys.Values.ToList(), ct);
        if (revoked.Count > 0) await RevokeAsync(conn, tx, revoked, ct);
    }

    private async Task RevokeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, List<(Guid KeyId, DateTimeOffset At)> revoked, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            UPDATE {tables["api_keys"]} k SET revoked_at = u.at
              FROM unnest($1::text[], $2::timestamptz[]) AS u(key_id, at)
             WHERE k.key_id = u.key_id AND k.revoked_at IS NULL
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. revoked.Select(r => r.KeyId.ToString())] });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. revoked.Select(r => r.At.ToUniversalTime())] });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
