using ContactSync.Domain.Connections;
using ContactSync.Domain.Sync;
using ContactSync.EventStore;
using ContactSync.Providers;
using ContactSync.Providers.Accounts;
using static ContactSync.Domain.Sync.SyncEvent;

namespace ContactSync.Projector.Sync;

/// <summary>
/// Keeps a connection's change-notification subscription alive while the API has a public URL (rule 13): subscribes
/// when there is none, renews when less than half of its lifetime is left, subscribes again when the provider forgot
/// it, and ends it when the URL is gone. Notifications are only a hint to pull sooner, so a failure here never fails a
/// run: it is logged, tried again a little later, and the connection keeps polling meanwhile. One per worker.
/// </summary>
internal sealed class NotificationUpkeep(Guid connectionId, SyncStore store, NotificationClientState clientState, TimeProvider time,
    SyncOptions options, ILogger logger)
{
    public const string WebhookPath = "/api/webhooks/microsoft";
    private DateTimeOffset _notBefore = DateTimeOffset.MinValue;
    private bool _unsupported;

    public async Task<SyncState> KeepAsync(Connection connection, IContactProvider provider, SyncState state, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_unsupported || now < _notBefore || connection.Group.Id is not { } groupId) return state;
        try
        {
            if (options.PublicUrl is not { } publicUrl) return await EndAsync(connection, provider, state, ct);
            var expires = now + options.NotificationLifetime;
            if (state.Subscription is { } current)
            {
                if (current.ExpiresAt - now > options.NotificationLifetime / 2) return state;
                if (await provider.RenewSubscriptionAsync(current.Id, expires, ct) is { } renewed)
                    return await Subscribed(state, connection, renewed, now, ct);
                state = await store.AppendSyncAsync(connectionId, state, [new NotificationsEnded(connection.TenantId, connectionId, current.Id, now)], ct);
            }
            var url = new Uri(publicUrl, WebhookPath.TrimStart('/'));   // keeps a path the public URL may have
            if (await provider.SubscribeAsync(groupId, url, clientState.For(connectionId), expires, ct) is not { } created)
            {
                _unsupported = true;   // this provider has no change notifications: polling only
                return state;
            }
            Log.NotificationsSubscribed(logger, connectionId, created.ExpiresAt);
            return await Subscribed(state, connection, created, now, ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or ReauthRequiredException or AccountUnavailableException or WrongExpectedVersionException))
        {
            _notBefore = now + options.NotificationRetry;
            Log.NotificationsFailed(logger, connectionId, options.NotificationRetry, e);
            return state;
        }
    }

    /// <summary>Ends the subscription at the provider (one it forgot already is gone too) and records that it ended.</summary>
    public async Task<SyncState> EndAsync(Connection connection, IContactProvider provider, SyncState state, CancellationToken ct)
    {
        if (state.Subscription is not { } old) return state;
        await provider.UnsubscribeAsync(old.Id, ct);
        return await store.AppendSyncAsync(connectionId, state, [new NotificationsEnded(connection.TenantId, connectionId, old.Id, time.GetUtcNow())], ct);
    }

    private Task<SyncState> Subscribed(SyncState state, Connection connection, ProviderSubscription s, DateTimeOffset now, CancellationToken ct) =>
        store.AppendSyncAsync(connectionId, state, [new NotificationsSubscribed(connection.TenantId, connectionId, s.Id, s.ExpiresAt, now)], ct);
}
