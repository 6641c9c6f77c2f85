using Npgsql;

namespace ContactSync.EventStore.Projections;

/// <summary>
/// A read model kept in the store's database and updated exactly once per event: the runner calls
/// <see cref="ApplyAsync"/> inside the transaction that also moves the projection's checkpoint.
/// </summary>
public interface IPostgresProjection
{
    /// <summary>Only events passing this filter are handed to the projection (null = all).</summary>
    EventFilter? Filter => null;

    /// <summary>
    /// Applies a batch of events (in <c>$all</c> order) with the given connection and transaction. Must not commit,
    /// roll back or open other connections; external side effects are at-least-once (use the event id as key).
    /// </summary>
    Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<RecordedEvent> events,
        CancellationToken ct);
}
