namespace ContactSync.Providers.Accounts;

/// <summary>
/// The provider of one account as <see cref="ProviderSessions"/> hands it out: every call goes to the adapter, and a
/// <see cref="ReauthRequiredException"/> (the provider refused the grant, e.g. a refresh answered <c>invalid_grant</c>)
/// is recorded on the account before it reaches the caller.
/// </summary>
internal sealed class AccountContactProvider(IContactProvider inner, Func<ReauthRequiredException, Task> onReauthRequired) : IContactProvider
{
    public IContactProvider Inner => inner;

    public ProviderKind Kind => inner.Kind;

    public ProviderCapabilities Capabilities => inner.Capabilities;

    public ProviderTraffic Traffic => inner.Traffic;

    public Task<IReadOnlyList<ProviderGroup>> ListGroupsAsync(CancellationToken ct) => Guard(() => inner.ListGroupsAsync(ct));

    public Task<ProviderGroup> EnsureGroupAsync(string name, CancellationToken ct) => Guard(() => inner.EnsureGroupAsync(name, ct));

    public Task<ChangePage> GetChangesAsync(string groupId, string? cursor, CancellationToken ct) => Guard(() => inner.GetChangesAsync(groupId, cursor, ct));

    public Task<IReadOnlyList<ProviderContact>> GetAsync(IReadOnlyList<string> ids, CancellationToken ct) => Guard(() => inner.GetAsync(ids, ct));

    public Task<ProviderContact?> FindByCrmIdAsync(string groupId, string crmId, CancellationToken ct) => Guard(() => inner.FindByCrmIdAsync(groupId, crmId, ct));

    public Task<IReadOnlyDictionary<string, ProviderContact>> FindByCrmIdsAsync(string groupId, IReadOnlyCollection<string> crmIds, CancellationToken ct) =>
        Guard(() => inner.FindByCrmIdsAsync(groupId, crmIds, ct));

    public Task<IReadOnlyList<WriteResult>> CreateAsync(string groupId, IReadOnlyList<NewProviderContact> contacts, CancellationToken ct) =>
        Guard(() => inner.CreateAsync(groupId, contacts, ct));

    public Task<IReadOnlyList<WriteResult>> UpdateAsync(IReadOnlyList<ProviderContactUpdate> updates, CancellationToken ct) =>
        Guard(() => inner.UpdateAsync(updates, ct));

    public Task<IReadOnlyList<WriteResult>> DeleteAsync(IReadOnlyList<string> ids, CancellationToken ct) => Guard(() => inner.DeleteAsync(ids, ct));

    public Task<IReadOnlyList<WriteResult>> ModifyGroupMembersAsync(string groupId, IReadOnlyList<string> add, IReadOnlyList<string> remove, CancellationToken ct) =>
        Guard(() => inner.ModifyGroupMembersAsync(groupId, add, remove, ct));

    public Task<ProviderSubscription?> SubscribeAsync(string groupId, Uri notificationUrl, string clientState, DateTimeOffset expiresAt, CancellationToken ct) =>
        Guard(() => inner.SubscribeAsync(groupId, notificationUrl, clientState, expiresAt, ct));

    public Task<ProviderSubscription?> RenewSubscriptionAsync(string subscriptionId, DateTimeOffset expiresAt, CancellationToken ct) =>
        Guard(() => inner.RenewSubscriptionAsync(subscriptionId, expiresAt, ct));

    public Task UnsubscribeAsync(string subscriptionId, CancellationToken ct) => Guard(async () =>
    {
        await inner.UnsubscribeAsync(subscriptionId, ct);
        return true;
    });

    private async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ReauthRequiredException e)
        {
            await onReauthRequired(e);
            throw;
        }
    }
}
