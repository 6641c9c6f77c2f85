using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ContactSync.Api.Infrastructure;
using ContactSync.EventStore;

namespace ContactSync.Api.Users;

/// <summary>
/// A user's e-mail is unique per tenant through a reservation stream per (tenant, lower(e-mail)), appended with
/// NoStream (the EventStoreDB idiom for uniqueness without a read-model index: a read model must never fail).
/// Releasing soft-deletes the stream so the address can be reserved again.
/// </summary>
public static class EmailReservations
{
    public const string EventType = "UserEmailReserved.v1";

    public static StreamName StreamOf(Guid tenantId, string email) =>
        new($"UserEmail-{tenantId:D}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.ToLowerInvariant())))}");

    /// <summary>False when another user of the tenant already holds the address.</summary>
    public static async Task<bool> TryReserveAsync(IEventStore store, Guid tenantId, Guid userId, string email, CancellationToken ct)
    {
        var data = JsonSerializer.SerializeToUtf8Bytes(new { tenantId, userId });
        try
        {
            await store.AppendToStreamAsync(StreamOf(tenantId, email), ExpectedRevision.NoStream,
                [new EventData(Guid.CreateVersion7(), EventType, data)], ct);
            return true;
        }
        catch (WrongExpectedVersionException)
        {
            return false;
        }
    }

    public static Task ReleaseAsync(IEventStore store, Guid tenantId, string email) =>
        // Not cancellable: a reservation must not be left behind because the client went away.
        store.DeleteStreamAsync(StreamOf(tenantId, email), ExpectedRevision.Any, CancellationToken.None);

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TakenProblem() =>
        Problems.Conflict("Another user of this tenant already has this e-mail address.", "user.email-taken");
}
