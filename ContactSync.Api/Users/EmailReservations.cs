using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ContactSync.Api.Infrastructure;
using ContactSync.EventStore;

namespace ContactSync.Api.Users;

/// <summary>
/// A user's e-mail is unique per tenant through a reservation stream per (tenant, lower(e-mail)), appended with
/// NoStream (the EventStoreDB idiom for uniqueness without a read-model index: a read model must never fail).
/// Releasing soft-deletes the stream so the address can be reserved again; a reservation left behind by a process
/// that stopped half-way is taken over once stale.
/// </summary>
public static class EmailReservations
{
    public const string EventType = "UserEmailReserved.v1";

    public static StreamName StreamOf(Guid tenantId, string email) =>
        new($"UserEmail-{tenantId:D}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.ToLowerInvariant())))}");

    /// <summary>
    /// False when another user of the tenant holds the address. A reservation whose holder does not have the address
    /// (the process stopped between reserving it and writing the user, or before releasing the old address of a
    /// change) is taken over once it is older than <paramref name="staleAfter"/>, longer than any request takes.
    /// </summary>
    public static async Task<bool> TryReserveAsync(IEventStore store, Guid tenantId, Guid userId, string email,
        TimeSpan staleAfter, DateTimeOffset now, CancellationToken ct)
    {
        var stream = StreamOf(tenantId, email);
        var data = JsonSerializer.SerializeToUtf8Bytes(new Reservation(tenantId, userId), JsonSerializerOptions.Web);
        try
        {
            await store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, [new EventData(Guid.CreateVersion7(), EventType, data)], ct);
            return true;
        }
        catch (WrongExpectedVersionException)
        {
            return await TryTakeOverAsync(store, stream, email, data, staleAfter, now, ct);
        }
    }

    private static async Task<bool> TryTakeOverAsync(IEventStore store, StreamName stream, string email, byte[] data,
        TimeSpan staleAfter, DateTimeOffset now, CancellationToken ct)
    {
        IReadOnlyList<RecordedEvent> last;
        try
        {
            last = await store.ReadStreamAsync(stream, Direction.Backwards, StreamPosition.End, 1, ct);
        }
        catch (StreamNotFoundException)
        {
            // Released in the meantime: the caller's retry reserves it.
            return false;
        }
        if (last.Count == 0 || now - last[0].Created < staleAfter) return false;
        var holder = JsonSerializer.Deserialize<Reservation>(last[0].Data.Span, JsonSerializerOptions.Web);
        if (holder is null) return false;
        var user = await UserServices.LoadAsync(store, holder.UserId, ct);
        if (user.Exists && string.Equals(user.Email, email, StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            // Pinned to the reservation read: of two requests taking it over, one wins.
            await store.AppendToStreamAsync(stream, ExpectedRevision.Exact(last[0].Revision), [new EventData(Guid.CreateVersion7(), EventType, data)], ct);
            return true;
        }
        catch (WrongExpectedVersionException)
        {
            return false;
        }
    }

    private sealed record Reservation(Guid TenantId, Guid UserId);

    public static Task ReleaseAsync(IEventStore store, Guid tenantId, string email) =>
        // Not cancellable: a reservation must not be left behind because the client went away.
        store.DeleteStreamAsync(StreamOf(tenantId, email), ExpectedRevision.Any, CancellationToken.None);

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TakenProblem() =>
        Problems.Conflict("Another user of this tenant already has this e-mail address.", "user.email-taken");
}
