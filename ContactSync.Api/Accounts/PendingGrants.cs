using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ContactSync.Domain.Accounts;
using ContactSync.EventStore;

namespace ContactSync.Api.Accounts;

/// <summary>
/// A consent finished in another browser than the one that started the connect: the grant waits, sealed like every
/// grant, in the stream <c>PendingGrant-{connect id}</c>, and is attached only when the user who started the connect
/// confirms it with their own API key and the one-time code the other browser was shown. The code is 8 characters
/// of a 32-letter alphabet (40 bits); only its SHA-256 is stored. Each wrong code is an event: the
/// <see cref="MaxWrongCodes"/>th kills the grant. A confirmation is appended at the revision read, so of concurrent
/// confirmations exactly one attaches. Like the OAuth states, these streams are the API's own, not domain events,
/// and their <c>MaxAge</c> is the pending lifetime: an expired grant reads as empty (hidden on read, not deleted).
/// </summary>
public static class PendingGrants
{
    public const string StoredType = "PendingGrantStored.v1";
    public const string CodeRefusedType = "PendingGrantCodeRefused.v1";
    public const string ConfirmedType = "PendingGrantConfirmed.v1";
    public const string GrantPurpose = "pending-grant";
    public const int MaxWrongCodes = 3;
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";   // no 0/O, 1/I: read aloud or typed from a screen
    private const int CodeLength = 8;

    public sealed record Pending(Guid TenantId, Guid UserId, string UserName, string Provider, string Email, SealedSecret RefreshToken,
        string CodeHash, DateTimeOffset ExpiresAt, string ReturnUrl);

    public enum Outcome { Confirmed, NotFound, WrongCode, Expired, Used, Discarded }

    public sealed record Confirmation(Outcome Outcome, Pending? Grant = null, int AttemptsLeft = 0);

    public static StreamName StreamOf(Guid connectId) => new($"PendingGrant-{connectId:N}");

    /// <summary>Stores the grant; returns the code to show (as <c>XXXX-XXXX</c>).</summary>
    public static async Task<string> StoreAsync(IEventStore store, Guid connectId, TimeSpan lifetime, Func<string, Pending> pending, CancellationToken ct)
    {
        var code = RandomNumberGenerator.GetString(Alphabet, CodeLength);
        var data = JsonSerializer.SerializeToUtf8Bytes(pending(Hash(connectId, code)), JsonSerializerOptions.Web);
        var stream = StreamOf(connectId);
        await store.SetStreamMetadataAsync(stream, new StreamMetadata(MaxAge: lifetime), ct);
        await store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, [new EventData(Guid.CreateVersion7(), StoredType, data)], ct);
        return $"{code[..4]}-{code[4..]}";
    }

    /// <summary>The code as typed (any case, with or without the dash and spaces), or null when it cannot be one.</summary>
    public static string? Normalize(string? code)
    {
        var text = code?.Replace("-", "").Replace(" ", "").ToUpperInvariant();
        return text is { Length: CodeLength } && text.All(Alphabet.Contains) ? text : null;
    }

    /// <summary>Spends the pending grant for its own user with the right code, or says why not. A well-formed wrong
    /// code counts against the grant; another user's attempt does not (they are told it does not exist).</summary>
    public static async Task<Confirmation> ConfirmAsync(
        IEventStore store, Guid connectId, Guid tenantId, Guid userId, string normalizedCode, DateTimeOffset now, CancellationToken ct)
    {
        var stream = StreamOf(connectId);
        while (true)
        {
            IReadOnlyList<RecordedEvent> events;
            try
            {
                events = await store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, MaxWrongCodes + 2, ct);
            }
            catch (StreamNotFoundException)
            {
                return new(Outcome.NotFound);
            }
            // The stream exists but its grant aged out (max-age): whoever it was for, it is gone.
            if (events.Count == 0 || events[0].Type != StoredType) return new(Outcome.Expired);
            if (JsonSerializer.Deserialize<Pending>(events[0].Data.Span, JsonSerializerOptions.Web) is not { } pending ||
                pending.TenantId != tenantId || pending.UserId != userId)
                return new(Outcome.NotFound);
            if (events.Any(e => e.Type == ConfirmedType)) return new(Outcome.Used);
            var refused = events.Count(e => e.Type == CodeRefusedType);
            if (refused >= MaxWrongCodes) return new(Outcome.Discarded);
            if (now >= pending.ExpiresAt) return new(Outcome.Expired);

            var right = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(connectId, normalizedCode)), Encoding.ASCII.GetBytes(pending.CodeHash));
            var data = JsonSerializer.SerializeToUtf8Bytes(new { at = now }, JsonSerializerOptions.Web);
            try
            {
                await store.AppendToStreamAsync(stream, ExpectedRevision.Exact(events[^1].Revision),
                    [new EventData(Guid.CreateVersion7(), right ? ConfirmedType : CodeRefusedType, data)], CancellationToken.None);
            }
            catch (WrongExpectedVersionException)
            {
                continue;   // another attempt came first: decide again on what it left
            }
            return right ? new(Outcome.Confirmed, pending) : new(Outcome.WrongCode, AttemptsLeft: MaxWrongCodes - refused - 1);
        }
    }

    private static string Hash(Guid connectId, string normalizedCode) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes($"{connectId:N}:{normalizedCode}")));
}
