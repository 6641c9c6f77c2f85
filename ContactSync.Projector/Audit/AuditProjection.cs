using System.Text.Json.Serialization;
using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.EventStore;
using ContactSync.EventStore.Projections;
using ContactSync.Projector.Projections;
using Npgsql;

namespace ContactSync.Projector.Audit;

/// <summary>One row per domain event, keyed by its log position: who did what to which entity, field by field.</summary>
internal sealed class AuditProjection(ProjectionTables tables, ILogger logger) : IPostgresProjection
{
    public static readonly ProjectionDefinition Definition = new("audit",
    [
        new("audit", """
            commit_position bigint NOT NULL, prepare_position bigint NOT NULL, tenant_id uuid NOT NULL, stream text NOT NULL,
            entity_kind text NOT NULL, entity_id uuid NOT NULL, version bigint NOT NULL, type text NOT NULL, at timestamptz NOT NULL,
            actor_kind text NOT NULL, actor_id text NOT NULL, actor_name text NOT NULL, changes jsonb NOT NULL,
            PRIMARY KEY (commit_position, prepare_position)
            """, ["tenant_id, at", "tenant_id, entity_id", "tenant_id, actor_id"]),
    ],
        DomainStreams.AllAggregates,
        (t, logs) => new AuditProjection(t, logs.CreateLogger<AuditProjection>()));

    public EventFilter? Filter => Definition.Filter;

    public Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<RecordedEvent> events, CancellationToken ct)
    {
        var rows = new List<AuditRow>(events.Count);
        foreach (var e in DomainEvents.Read(events, logger))
        {
            if (DomainStreams.Describe(e.Event) is not { } d) continue;
            rows.Add(new AuditRow((long)e.Record.Position.Commit, (long)e.Record.Position.Prepare, d.TenantId, e.Record.Stream.Value,
                d.Kind, d.EntityId, (long)e.Record.Revision.Value, e.Record.Type, d.At, KindName(d.Actor.Kind), d.Actor.Id, d.Actor.Name,
                EntityChanges.Of(e.Event)));
        }
        return Rows.InsertAsync(conn, tx, tables["audit"], rows, ct);
    }

    private static string KindName(ActorKind kind) => kind switch
    {
        ActorKind.User => "user",
        ActorKind.Connection => "connection",
        _ => "system",
    };
}

internal sealed record AuditRow(
    long CommitPosition, long PreparePosition, Guid TenantId, string Stream, string EntityKind, Guid EntityId, long Version,
    string Type, DateTimeOffset At, string ActorKind, string ActorId, string ActorName,
    [property: JsonConverter(typeof(DomainJsonConverter<IReadOnlyList<FieldChange>>))] IReadOnlyList<FieldChange> Changes);
