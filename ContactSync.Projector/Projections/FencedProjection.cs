using ContactSync.EventStore;
using ContactSync.EventStore.Projections;
using Npgsql;

namespace ContactSync.Projector.Projections;

/// <summary>
/// Guards every batch of one projection version: the batch share-locks the projection's row in
/// <c>rm.projections</c> and goes on only while its version is the active or the rebuilding one. The swap of a
/// rebuild updates that row, so it waits for batches in flight, and a batch of the replaced version that starts
/// later fails instead of writing into tables nobody reads (or that are being dropped).
/// </summary>
internal sealed class FencedProjection(ProjectionTables tables, IPostgresProjection inner) : IPostgresProjection
{
    public EventFilter? Filter => inner.Filter;

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<RecordedEvent> events, CancellationToken ct)
    {
        await using (var cmd = new NpgsqlCommand(
            "SELECT active_version, rebuild_version FROM rm.projections WHERE name = $1 FOR SHARE", connection, transaction))
        {
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tables.Projection });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var current = await r.ReadAsync(ct) &&
                (r.GetInt32(0) == tables.Version || (!r.IsDBNull(1) && r.GetInt32(1) == tables.Version));
            if (!current) throw new ProjectionRetiredException(tables.Projection, tables.Version);
        }
        await inner.ApplyAsync(connection, transaction, events, ct);
    }
}

/// <summary>A runner of a replaced projection version tried to write; its supervisor stops it.</summary>
internal sealed class ProjectionRetiredException(string projection, int version)
    : Exception($"Version {version} of projection {projection} is no longer active.");
