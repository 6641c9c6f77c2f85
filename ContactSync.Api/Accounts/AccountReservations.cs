using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ContactSync.EventStore;

namespace ContactSync.Api.Accounts;

/// <summary>
/// One account per (tenant, user, provider, lower(e-mail)): a reservation stream names the account id that holds the
/// key. Appending it with NoStream (or pinned to the holder read) is the guard against concurrent callbacks creating
/// twins, the EventStoreDB idiom the user e-mails use too. A disconnected holder is replaced by the next connect.
/// </summary>
public static class AccountReservations
{
    public const string EventType = "AccountReserved.v1";

    public sealed record Holder(Guid AccountId, StreamRevision Revision);

    private sealed record Reservation(Guid AccountId);

    public static StreamName StreamOf(Guid tenantId, Guid userId, string provider, string email) =>
        new($"AccountKey-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{tenantId:D}|{userId:D}|{provider}|{email.ToLowerInvariant()}")))}");

    public static async Task<Holder?> FindAsync(IEventStore store, StreamName stream, CancellationToken ct)
    {
        try
        {
            var last = await store.ReadStreamAsync(stream, Direction.Backwards, StreamPosition.End, 1, ct);
            return last.Count == 0 ? null
                : new Holder(JsonSerializer.Deserialize<Reservation>(last[0].Data.Span, JsonSerializerOptions.Web)!.AccountId, last[0].Revision);
        }
        catch (StreamNotFoundException)
        {
            return null;
        }
    }

    /// <summary>False when somebody else reserved (or replaced) it first.</summary>
    public static async Task<bool> TryReserveAsync(IEventStore store, StreamName stream, Holder? replacing, Guid accountId, CancellationToken ct)
    {
        var data = JsonSerializer.SerializeToUtf8Bytes(new Reservation(accountId), JsonSerializerOptions.Web);
        try
        {
            await store.AppendToStreamAsync(stream, replacing is null ? ExpectedRevision.NoStream : ExpectedRevision.Exact(replacing.Revision),
                [new EventData(Guid.CreateVersion7(), EventType, data)], ct);
            return true;
        }
        catch (WrongExpectedVersionException)
        {
            return false;
        }
    }
}
