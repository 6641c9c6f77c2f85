using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using ContactSync.Sandbox.Graph.Store;

namespace ContactSync.Sandbox.Graph.Subscriptions;

/// <param name="FolderId">The folder watched, or null for every contact of the mailbox.</param>
public sealed record Subscription(
    string Id, string MailboxId, string Resource, string? FolderId, IReadOnlySet<string> ChangeTypes,
    string NotificationUrl, string? LifecycleNotificationUrl, string? ClientState, DateTimeOffset Expiration);

public sealed record PendingNotification(string Url, byte[] Payload);

/// <summary>Active subscriptions per mailbox, and the queue of notifications waiting for delivery.</summary>
public sealed class SubscriptionRegistry(TimeProvider time)
{
    /// <summary>The tenant id notifications carry; the sandbox has one tenant.</summary>
    public static readonly string TenantId = "9188040d-6c67-4c5b-b112-36a304b66dad";

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Subscription>> _byMailbox = new();
    private readonly Channel<PendingNotification> _queue =
        Channel.CreateBounded<PendingNotification>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    public ChannelReader<PendingNotification> Queue => _queue.Reader;

    public void Add(Subscription s) => _byMailbox.GetOrAdd(s.MailboxId, _ => new())[s.Id] = s;

    public Subscription? Find(string mailboxId, string id) =>
        _byMailbox.TryGetValue(mailboxId, out var subs) ? subs.GetValueOrDefault(id) : null;

    public bool Remove(string mailboxId, string id) =>
        _byMailbox.TryGetValue(mailboxId, out var subs) && subs.TryRemove(id, out _);

    public void Replace(Subscription s) => Add(s);

    public void Clear() => _byMailbox.Clear();

    /// <summary>Queues a notification for each live subscription that watches the contact's folder.</summary>
    public void Publish(Mailbox mailbox, string changeType, ContactRecord contact)
    {
        if (!_byMailbox.TryGetValue(mailbox.Id, out var subs) || subs.IsEmpty) return;
        var now = time.GetUtcNow();
        foreach (var s in subs.Values)
        {
            if (s.Expiration <= now || !s.ChangeTypes.Contains(changeType)) continue;
            if (s.FolderId is not null && s.FolderId != contact.FolderId) continue;
            _queue.Writer.TryWrite(new PendingNotification(s.NotificationUrl, Payload(s, mailbox, changeType, contact)));
        }
    }

    private static byte[] Payload(Subscription s, Mailbox mailbox, string changeType, ContactRecord contact)
    {
        var resource = $"Users/{mailbox.Id}/Contacts/{contact.Id}";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("value");
            w.WriteStartObject();
            w.WriteString("id", Guid.NewGuid().ToString());
            w.WriteString("subscriptionId", s.Id);
            w.WriteString("subscriptionExpirationDateTime", s.Expiration.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff'+00:00'"));
            if (s.ClientState is not null) w.WriteString("clientState", s.ClientState);
            w.WriteString("changeType", changeType);
            w.WriteString("resource", resource);
            w.WriteString("tenantId", TenantId);
            w.WriteStartObject("resourceData");
            w.WriteString("@odata.type", "#Microsoft.Graph.Contact");
            w.WriteString("@odata.id", resource);
            w.WriteString("@odata.etag", contact.ETag);
            w.WriteString("id", contact.Id);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
