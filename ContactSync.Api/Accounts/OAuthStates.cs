using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ContactSync.Domain.Accounts;
using ContactSync.EventStore;

namespace ContactSync.Api.Accounts;

/// <summary>
/// The OAuth <c>state</c>: 32 random bytes (base64url) handed to the provider; only its SHA-256 is stored, as the
/// stream <c>OAuthState-{hash}</c>, whose first event binds it to the tenant, the user, the provider and the return
/// address, with an expiry, the PKCE verifier (sealed) and the hash of the starting browser's cookie. The callback
/// consumes it by appending at revision 0: of any number of callbacks with
/// one state, exactly one gets past that append (single use, also across API instances). A state never issued, an
/// altered one, an expired one and a used one are all refused. The event store holds these streams, as it holds the
/// e-mail reservations, so no table of the API's own is needed; their event types are not domain events.
/// Each stream's <c>MaxAge</c> is the state's lifetime, so an expired state reads as empty (refused as expired)
/// instead of staying readable for ever; the store hides such events on read, it does not delete them.
/// </summary>
public static class OAuthStates
{
    public const string IssuedType = "OAuthStateIssued.v1";
    public const string ConsumedType = "OAuthStateConsumed.v1";
    private const int TokenBytes = 32;

    /// <param name="ConnectId">Names this connect flow (its cookie, its pending grant).</param>
    /// <param name="CodeVerifier">The PKCE verifier whose challenge went to the provider, sealed under
    /// <see cref="VerifierPurpose"/> and <paramref name="ConnectId"/>: it never leaves the server in clear.</param>
    /// <param name="BrowserNonceHash">SHA-256 of the nonce in the starting browser's cookie (<see cref="ConnectCookies"/>).</param>
    public sealed record Binding(Guid TenantId, Guid UserId, string UserName, string Provider, string ReturnUrl, DateTimeOffset ExpiresAt,
        Guid ConnectId = default, SealedSecret? CodeVerifier = null, string? BrowserNonceHash = null);

    public const string VerifierPurpose = "pkce-verifier";

    public enum Refusal { None, Malformed, Unknown, Used, Expired, WrongProvider }

    public static async Task<string> IssueAsync(IEventStore store, Binding binding, TimeSpan lifetime, CancellationToken ct)
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));
        var stream = StreamOf(token);
        var data = JsonSerializer.SerializeToUtf8Bytes(binding, JsonSerializerOptions.Web);
        // The metadata first: a stream that exists has its max-age, whatever happens between the two calls.
        await store.SetStreamMetadataAsync(stream, new StreamMetadata(MaxAge: lifetime), ct);
        await store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, [new EventData(Guid.CreateVersion7(), IssuedType, data)], ct);
        return token;
    }

    /// <summary>Uses up a state and returns what it was bound to, or why it is refused.</summary>
    public static async Task<(Binding? Binding, Refusal Refusal)> ConsumeAsync(
        IEventStore store, string? token, string provider, DateTimeOffset now, CancellationToken ct)
    {
        if (!IsWellFormed(token)) return (null, Refusal.Malformed);
        var stream = StreamOf(token!);
        IReadOnlyList<RecordedEvent> events;
        try
        {
            events = await store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 2, ct);
        }
        catch (StreamNotFoundException)
        {
            return (null, Refusal.Unknown);
        }
        // A stream that exists but shows no issue event has aged out (its max-age is the state's lifetime).
        if (events.Count == 0 || events[0].Type != IssuedType) return (null, Refusal.Expired);
        if (events.Count > 1) return (null, Refusal.Used);
        var binding = JsonSerializer.Deserialize<Binding>(events[0].Data.Span, JsonSerializerOptions.Web);
        if (binding is null) return (null, Refusal.Unknown);
        // A state sent back on another provider's callback was not issued for it; it stays usable where it belongs.
        if (binding.Provider != provider) return (null, Refusal.WrongProvider);
        if (now >= binding.ExpiresAt) return (null, Refusal.Expired);
        try
        {
            await store.AppendToStreamAsync(stream, ExpectedRevision.Exact(events[0].Revision),
                [new EventData(Guid.CreateVersion7(), ConsumedType, JsonSerializer.SerializeToUtf8Bytes(new { at = now }, JsonSerializerOptions.Web))],
                CancellationToken.None);
        }
        catch (WrongExpectedVersionException)
        {
            return (null, Refusal.Used);
        }
        return (binding, Refusal.None);
    }

    public static string Describe(Refusal refusal) => refusal switch
    {
        Refusal.Malformed => "The state parameter is missing or malformed.",
        Refusal.Unknown => "The state parameter is not one this API issued.",
        Refusal.Used => "The state parameter was used already; start the connect again.",
        Refusal.Expired => "The state parameter expired; start the connect again.",
        _ => "The state parameter was issued for another provider.",
    };

    private static bool IsWellFormed(string? token)
    {
        if (token is null || token.Length != Base64Url.GetEncodedLength(TokenBytes)) return false;
        Span<byte> bytes = stackalloc byte[TokenBytes];
        return Base64Url.IsValid(token) && Base64Url.TryDecodeFromChars(token, bytes, out var written) && written == TokenBytes;
    }

    private static StreamName StreamOf(string token) =>
        new($"OAuthState-{Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)))}");
}
