using ContactSync.Providers.Google;

namespace ContactSync.Providers.Tests.Google;

/// <summary>Answers lost after Google applied the request, and a 410 from an older deployment, made by a proxy
/// between the adapter and the sandbox.</summary>
public sealed class GoogleLostAnswerTests(GoogleAdapterFixture sandbox) : IClassFixture<GoogleAdapterFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private async Task<(FaultingProxy Proxy, GoogleContactProvider Provider)> ThroughProxyAsync()
    {
        var proxy = await FaultingProxy.StartAsync(sandbox.BaseAddress);
        var oauth = sandbox.CreateOAuth(o =>
        {
            var root = GoogleProviderOptions.ForRoot(proxy.BaseAddress, o.ClientId, o.ClientSecret);
            (o.ApiBaseUri, o.AuthUri, o.TokenUri, o.RevokeUri, o.UserInfoUri) = (root.ApiBaseUri, root.AuthUri, root.TokenUri, root.RevokeUri, root.UserInfoUri);
        });
        return (proxy, (await sandbox.ConnectAsync(oauth)).Provider);
    }

    [Fact]
    public async Task A_batch_create_whose_answer_was_lost_is_found_by_CRM_id_and_never_duplicated()
    {
        var (proxy, provider) = await ThroughProxyAsync();
        await using var _ = proxy;
        var group = await provider.EnsureGroupAsync("Lost creates", Ct);
        var input = Enumerable.Range(0, 50).Select(i => new NewProviderContact($"lost-{i}", Contacts.Simple($"L{i}"))).ToList();
        proxy.LoseAnswerOnce(r => r.Path.Value!.EndsWith(":batchCreateContacts", StringComparison.Ordinal));

        var results = await provider.CreateAsync(group.Id, input, Ct);

        Assert.Equal(1, proxy.Fired);
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error?.Message));
        Assert.Equal(input.Select(c => c.CrmId), results.Select(r => r.Contact!.CrmId));
        var all = await Sync.RunAsync(provider, group.Id, null);
        Assert.Equal(50, all.Upserts.Count);
        Assert.Equal(results.Select(r => r.Id).Order(), all.Upserts.Select(u => u.Id).Order());
    }

    [Fact]
    public async Task An_update_whose_answer_was_lost_is_not_reported_as_a_conflict_with_itself()
    {
        var (proxy, provider) = await ThroughProxyAsync();
        await using var _ = proxy;
        var group = await provider.EnsureGroupAsync("Lost updates", Ct);
        var created = await provider.CreateAsync(group.Id, Enumerable.Range(0, 5).Select(i => new NewProviderContact($"lu-{i}", Contacts.Simple($"Before{i}"))).ToList(), Ct);
        proxy.LoseAnswerOnce(r => r.Path.Value!.EndsWith(":batchUpdateContacts", StringComparison.Ordinal));

        var results = await provider.UpdateAsync(created.Select((c, i) => new ProviderContactUpdate(c.Id!, Contacts.Simple($"After{i}"), c.ETag)).ToList(), Ct);

        Assert.Equal(1, proxy.Fired);
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error?.Message));
        var read = (await provider.GetAsync(created.Select(c => c.Id!).ToList(), Ct)).ToDictionary(c => c.Id);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"After{i}"), created.Select(c => read[c.Id!].Fields.Name.Given));
    }

    [Fact]
    public async Task A_410_for_a_sync_token_as_older_Google_documentation_describes_is_an_expired_cursor()
    {
        var (proxy, provider) = await ThroughProxyAsync();
        await using var _ = proxy;
        var group = await provider.EnsureGroupAsync("Gone", Ct);
        var full = await Sync.RunAsync(provider, group.Id, null);
        proxy.AnswerOnce(r => r.Query.ContainsKey("syncToken"), 410,
            """{"error":{"code":410,"message":"Sync token is expired.","status":"FAILED_PRECONDITION"}}""");

        await Assert.ThrowsAsync<CursorExpiredException>(() => provider.GetChangesAsync(group.Id, full.Cursor, Ct));
        Assert.Equal(1, proxy.Fired);
    }
}
