using System.Text;
using System.Text.Json;
using ContactSync.Api.Auth;
using ContactSync.Api.Contacts;
using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace ContactSync.Api.Audit;

/// <summary>
/// The tenant's audit log (the <c>audit</c> read model), oldest first. Admin only: it shows changes to every
/// contact, including those the caller could not see otherwise.
/// </summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit", GetAudit).WithTags("Audit").RequireAdmin().WithStandardProblems().WithName(nameof(GetAudit))
            .WithSummary("The tenant's audit log (admin)")
            .WithDescription("Filters: from, to (ISO 8601), actorId, contactId, connectionId; paging: limit, cursor.")
            .ProducesValidation().WaitsForMinPosition(ProjectionNames.Audit);
        return app;
    }

    public static async Task<Results<Ok<Page<AuditEntry>>, ProblemHttpResult>> GetAudit(
        string? from, string? to, string? actorId, string? contactId, string? connectionId, string? limit, string? cursor,
        Caller caller, ReadModelDb db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var since = Paging.Time(from, "from", errors);
        var until = Paging.Time(to, "to", errors);
        var actor = TextInput.Optional(actorId, "actorId", 100, errors);
        var contact = Paging.Id(contactId, "contactId", errors);
        var connection = Paging.Id(connectionId, "connectionId", errors);
        var take = Paging.Limit(limit, errors);
        var after = default(EventStore.Position?);
        if (Paging.FromCursor(cursor, "a", errors) is { } raw)
        {
            if (LogPosition.TryParse(raw, out var p)) after = p;
            else errors.Add("cursor", "Is not a cursor returned by this collection.");
        }
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());

        var sql = new StringBuilder("""
            SELECT commit_position::text, prepare_position, entity_kind, entity_id, version, type, at, actor_kind, actor_id, actor_name, changes::text
              FROM rm.audit WHERE tenant_id = $1
               AND ($2::timestamptz IS NULL OR at >= $2) AND ($3::timestamptz IS NULL OR at <= $3)
               AND ($4::text IS NULL OR actor_id = $4)
               AND ($5::uuid IS NULL OR (entity_kind = 'contact' AND entity_id = $5))
               AND ($6::text IS NULL OR (actor_kind = 'connection' AND actor_id = $6))
               AND ($7::numeric IS NULL OR (commit_position, prepare_position) > ($7::numeric, $8))
             ORDER BY commit_position, prepare_position LIMIT $9
            """);
        await using var cmd = db.CreateCommand(sql.ToString());
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.TenantId });
        cmd.Parameters.Add(Nullable(NpgsqlDbType.TimestampTz, since?.UtcDateTime));
        cmd.Parameters.Add(Nullable(NpgsqlDbType.TimestampTz, until?.UtcDateTime));
        cmd.Parameters.Add(Nullable(NpgsqlDbType.Text, actor));
        cmd.Parameters.Add(Nullable(NpgsqlDbType.Uuid, contact));
        cmd.Parameters.Add(Nullable(NpgsqlDbType.Text, connection?.ToString()));
        cmd.Parameters.Add(Nullable(NpgsqlDbType.Numeric, after is { } a1 ? (decimal)a1.Commit : null));
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after is { } a2 ? (long)a2.Prepare : 0 });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = take + 1 });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var items = new List<AuditEntry>();
        while (await r.ReadAsync(ct))
        {
            items.Add(new AuditEntry($"{r.GetString(0)}.{r.GetInt64(1)}", r.GetString(2), r.GetGuid(3), r.GetInt64(4), r.GetString(5),
                r.GetFieldValue<DateTimeOffset>(6), new ActorResponse(r.GetString(7), r.GetString(8), r.GetString(9)),
                r.IsDBNull(10) ? default : JsonSerializer.Deserialize<JsonElement>(r.GetString(10))));
        }
        var more = items.Count > take;
        if (more) items.RemoveAt(items.Count - 1);
        return TypedResults.Ok(new Page<AuditEntry>(items, more ? Paging.Cursor("a", items[^1].Position) : null));
    }

    private static NpgsqlParameter Nullable(NpgsqlDbType type, object? value) => new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };
}

/// <summary>One audit entry: as in a contact's history, plus which entity it concerns.</summary>
public sealed record AuditEntry(string Position, string EntityKind, Guid EntityId, long Version, string Type, DateTimeOffset At,
    ActorResponse Actor, JsonElement Changes);
