using System.Collections.Concurrent;
using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Sync;
using ContactSync.EventStore;
using ContactSync.Providers.Streams;

namespace ContactSync.Api.Webhooks;

/// <summary>
/// Turns change notifications into <see cref="SyncEvent.ProviderChangesNotified"/> on the connection's inbox stream,
/// which the Projector that owns the connection follows and answers with a pull. A burst (Graph sends one notification
/// per changed contact: a folder import is thousands) becomes at most one event per connection per
/// <see cref="Window"/>: the first at once, before the webhook answers, and one more at the end of the window for
/// whatever arrived meanwhile. A notification for a connection that is gone or disconnected is dropped.
/// Notifications are hints (the pull reads the changes from the provider's feed, and polling goes on), so the trailing
/// event of a process that dies within its window is not lost work.
/// </summary>
public sealed class NotificationInbox(IEventStore store, TimeProvider time, ILogger<NotificationInbox> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<Guid, Burst> _bursts = new();

    private sealed class Burst
    {
        public DateTimeOffset LastAppend = DateTimeOffset.MinValue;
        public int Pending;
        public string SubscriptionId = "";
        public bool TrailScheduled;
    }

    public async Task NotifyAsync(Guid connectionId, string subscriptionId, int changes, CancellationToken ct)
    {
        var burst = _bursts.GetOrAdd(connectionId, _ => new Burst());
        TimeSpan? trailIn = null;
        bool now;
        lock (burst)
        {
            var at = time.GetUtcNow();
            now = !burst.TrailScheduled && at - burst.LastAppend >= Window;
            if (now) burst.LastAppend = at;
            else
            {
                burst.Pending += changes;
                burst.SubscriptionId = subscriptionId;
                if (!burst.TrailScheduled)
                {
                    burst.TrailScheduled = true;
                    trailIn = burst.LastAppend + Window - at;
                }
            }
        }
        if (now) await AppendAsync(connectionId, subscriptionId, changes, ct);
        else if (trailIn is { } wait) _ = TrailAsync(connectionId, burst, wait);
    }

    private async Task TrailAsync(Guid connectionId, Burst burst, TimeSpan wait)
    {
        try
        {
            if (wait > TimeSpan.Zero) await Task.Delay(wait, time);
            int changes;
            string subscriptionId;
            lock (burst)
            {
                (changes, subscriptionId) = (burst.Pending, burst.SubscriptionId);
                burst.Pending = 0;
                burst.TrailScheduled = false;
                burst.LastAppend = time.GetUtcNow();
            }
            await AppendAsync(connectionId, subscriptionId, changes, CancellationToken.None);
        }
        catch (Exception e)
        {
            Log.NotificationNotRecorded(logger, connectionId, e);
        }
    }

    private async Task AppendAsync(Guid connectionId, string subscriptionId, int changes, CancellationToken ct)
    {
        var connection = Connection.Fold(EventStreams.Domain<ConnectionEvent>(await EventStreams.ReadAsync(store, StreamNames.Connection(connectionId), ct)));
        if (!connection.Exists || connection.Status == ConnectionStatus.Disconnected) return;
        await EventStreams.AppendAsync(store, StreamNames.ConnectionInbox(connectionId), ExpectedRevision.Any,
            [(SyncEvent)new SyncEvent.ProviderChangesNotified(connection.TenantId, connectionId, subscriptionId, changes, time.GetUtcNow())], ct);
    }
}
