using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace ContactSync.Providers.Microsoft;

public sealed partial class MicrosoftContactProvider
{
    /// <summary>A Graph change-notification subscription on the folder's contacts (providers.md B: created, updated and
    /// deleted; Graph first POSTs a validation token to the URL, which must echo it). Outlook contacts allow at most
    /// 4,230 minutes; the caller renews before that.</summary>
    public async Task<ProviderSubscription?> SubscribeAsync(string groupId, Uri notificationUrl, string clientState, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var created = await CallAsync(c => _client.Subscriptions.PostAsync(new Subscription
        {
            ChangeType = "created,updated,deleted",
            NotificationUrl = notificationUrl.ToString(),
            Resource = $"me/contactFolders/{groupId}/contacts",
            ClientState = clientState,
            ExpirationDateTime = expiresAt,
        }, cancellationToken: c), ct);
        return created?.Id is { } id ? new ProviderSubscription(id, created.ExpirationDateTime ?? expiresAt) : null;
    }

    public async Task<ProviderSubscription?> RenewSubscriptionAsync(string subscriptionId, DateTimeOffset expiresAt, CancellationToken ct)
    {
        try
        {
            var renewed = await CallAsync(c => _client.Subscriptions[subscriptionId].PatchAsync(new Subscription { ExpirationDateTime = expiresAt }, cancellationToken: c), ct);
            return new ProviderSubscription(subscriptionId, renewed?.ExpirationDateTime ?? expiresAt);
        }
        catch (ODataError e) when (e.ResponseStatusCode == 404)
        {
            return null;
        }
    }

    public async Task UnsubscribeAsync(string subscriptionId, CancellationToken ct)
    {
        try
        {
            await CallAsync(async c =>
            {
                await _client.Subscriptions[subscriptionId].DeleteAsync(cancellationToken: c);
                return true;
            }, ct);
        }
        catch (ODataError e) when (e.ResponseStatusCode == 404)
        {
            // gone already
        }
    }
}
