using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Api.Infrastructure;
using ContactSync.EventStore;
using ContactSync.Providers.Streams;

namespace ContactSync.Api.Connections;

/// <summary>
/// One provider group is synced by at most one active connection: a reservation stream per (account, group),
/// appended with NoStream (the pattern of the e-mail reservations). An existing group is keyed by its provider id;
/// a group still to be created by its normalised name, since the worker will create or find it by that name.
/// Disconnecting releases the reservation (the stream is soft-deleted); one left behind by a process that stopped
/// between reserving and creating the connection, or whose connection is disconnected, is taken over once stale.
/// </summary>
public static class GroupReservations
{
    public const string EventType = "ConnectionGroupReserved.v1";

    public static string KeyOf(GroupRef group) => group.Id is { } id ? "id:" + id : "name:" + group.Name.Trim().ToLowerInvariant();

    public static StreamName StreamOf(Guid tenantId, Guid accountId, string key) =>
        new($"ConnectionGroup-{tenantId:D}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{accountId:D}\n{key}")))}");

    /// <summary>False when another live connection holds the group.</summary>
    public static async Task<bool> TryReserveAsync(IEventStore store, Guid tenantId, Guid accountId, string key, Guid connectionId,
        TimeSpan staleAfter, DateTimeOffset now, CancellationToken ct)
    {
        var stream = StreamOf(tenantId, accountId, key);
        var data = JsonSerializer.SerializeToUtf8Bytes(new Reservation(tenantId, accountId, key, connectionId), JsonSerializerOptions.Web);
        try
        {
            await store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, [new EventData(Guid.CreateVersion7(), EventType, data)], ct);
            return true;
        }
        catch (WrongExpectedVersionException)
        {
            return await TryTakeOverAsync(store, stream, data, staleAfter, now, ct);
        }
    }

    private static async Task<bool> TryTakeOverAsync(IEventStore store, StreamName stream, byte[] data, TimeSpan staleAfter,
        DateTimeOffset now, CancellationToken ct)
    {
        if (await HolderAsync(store, stream, ct) is not var (holder, revision, created)) return false;
        var connection = await CommandHandler.LoadAsync(store, ConnectionDecider.Definition, StreamNames.Connection(holder), ct);
        var live = connection.Exists && connection.Status != ConnectionStatus.Disconnected;
        if (live || now - created < staleAfter) return false;
        try
        {
            // Pinned to the reservation read: of two requests taking it over, one wins.
            await store.AppendToStreamAsync(stream, ExpectedRevision.Exact(revision), [new EventData(Guid.CreateVersion7(), EventType, data)], ct);
            return true;
        }
        catch (WrongExpectedVersionException)
        {
            return false;
        }
    }

    /// <summary>Releases the reservations a connection holds (only its own: another connection may hold the key since).</summary>
    public static async Task ReleaseAsync(IEventStore store, Connection connection)
    {
        // Not cancellable: a reservation must not be left behind because the client went away.
        var keys = new[] { KeyOf(connection.Group), KeyOf(connection.Group with { Id = null }) }.Distinct();
        foreach (var key in keys)
        {
            var stream = StreamOf(connection.TenantId, connection.AccountId, key);
            if (await HolderAsync(store, stream, CancellationToken.None) is not var (holder, revision, _) || holder != connection.Id) continue;
            try
            {
                await store.DeleteStreamAsync(stream, ExpectedRevision.Exact(revision), CancellationToken.None);
            }
            catch (WrongExpectedVersionException)
            {
                // Taken over in the meantime (it was stale): the reservation is another connection's now.
            }
        }
    }

    private static async Task<(Guid Holder, StreamRevision Revision, DateTimeOffset Created)?> HolderAsync(IEventStore store, StreamName stream, CancellationToken ct)
    {
        IReadOnlyList<RecordedEvent> last;
        try
        {
            last = await store.ReadStreamAsync(stream, Direction.Backwards, StreamPosition.End, 1, ct);
        }
        catch (Exception e) when (e is StreamNotFoundException or StreamDeletedException)
        {
            return null;
        }
        if (last.Count == 0 || JsonSerializer.Deserialize<Reservation>(last[0].Data.Span, JsonSerializerOptions.Web) is not { } r) return null;
        return (r.ConnectionId, last[0].Revision, last[0].Created);
    }

    private sealed record Reservation(Guid TenantId, Guid AccountId, string Key, Guid ConnectionId);
}
