using System.Diagnostics;

namespace ContactSync.Providers.Tests.Google;

/// <summary>
/// The adapter under every fault the sandbox injects: a whole sync cycle (create, full sync, update, delete,
/// incremental sync) must end with exactly the expected contacts, nothing lost and nothing duplicated.
/// This class owns its sandbox; its tests run one after another, each setting and clearing the faults.
/// </summary>
public sealed class GoogleFaultToleranceTests(GoogleAdapterFixture sandbox) : IClassFixture<GoogleAdapterFixture>, IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => sandbox.SetFaultsAsync();

    [Theory]
    [InlineData(0.3, 0.0, 0.0, 0)]
    [InlineData(0.0, 0.3, 0.0, 0)]
    [InlineData(0.0, 0.0, 0.2, 0)]
    [InlineData(0.0, 0.0, 0.0, 25)]
    [InlineData(0.2, 0.2, 0.1, 5)]
    public async Task A_sync_cycle_under_faults_loses_and_duplicates_nothing(double rate429, double rate5xx, double resetRate, int latencyMs)
    {
        var account = await sandbox.ConnectAsync();
        var provider = account.Provider;
        var before = await sandbox.StatusCountsAsync();
        await sandbox.SetFaultsAsync(rate429, rate5xx, resetRate, latencyMs);

        var group = await provider.EnsureGroupAsync("Faulty", Ct);
        var input = Enumerable.Range(0, 150).Select(i => new NewProviderContact($"f-{i}", Contacts.Simple($"F{i}", $"f{i}@example.com"))).ToList();
        var created = await CreateConfirmedAsync(provider, group.Id, input);
        var full = await Sync.RunAsync(provider, group.Id, null);
        // Many small reads, so that every fault mode surely hits some of them.
        for (var i = 0; i < 40; i++) Assert.Single(await provider.GetAsync([created[i].Id!], Ct));
        var updated = await provider.UpdateAsync(created.Take(40).Select((c, i) => new ProviderContactUpdate(c.Id!, Contacts.Simple($"Updated{i}"), c.ETag)).ToList(), Ct);
        var deleted = await provider.DeleteAsync(created.TakeLast(30).Select(c => c.Id!).ToList(), Ct);
        var delta = await Sync.RunAsync(provider, group.Id, full.Cursor);
        await sandbox.SetFaultsAsync();

        Assert.All(created.Concat(updated).Concat(deleted), r => Assert.True(r.Succeeded, r.Error?.Message));
        Assert.Equal(input.Select(c => c.CrmId).Order(), full.Upserts.Select(u => u.CrmId!).Distinct().Order());
        Assert.Equal(created.Take(40).Select(c => c.Id).Order(), delta.Upserts.Select(u => u.Id).Distinct().Order());
        Assert.Equal(created.TakeLast(30).Select(c => c.Id!).Order(), delta.Removals.Where(r => r.Reason == RemovalReason.Deleted).Select(r => r.Id).Order());

        var final = await Sync.RunAsync(provider, group.Id, null);
        Assert.Equal(120, final.Upserts.Count);
        Assert.Equal(120, final.Upserts.Select(u => u.CrmId).Distinct().Count());
        var byCrmId = final.Upserts.ToDictionary(u => u.CrmId!);
        for (var i = 0; i < 120; i++) Assert.Equal(i < 40 ? $"Updated{i}" : $"F{i}", byCrmId[$"f-{i}"].Fields.Name.Given);

        var after = await sandbox.StatusCountsAsync();
        long Injected(params int[] statuses) => statuses.Sum(s => after.GetValueOrDefault(s) - before.GetValueOrDefault(s));
        if (rate429 > 0 || rate5xx > 0) Assert.True(Injected(429, 500, 503) > 0, "no fault was injected");
    }

    /// <summary>Creates as the sync engine does: a create whose outcome is unknown (Unconfirmed) is looked up by its CRM
    /// id and sent again only if it is not there (the sandbox's listings are current here, so no lag is waited for).</summary>
    private static async Task<List<WriteResult>> CreateConfirmedAsync(IContactProvider provider, string groupId, List<NewProviderContact> input)
    {
        var results = new WriteResult?[input.Count];
        for (var round = 0; round < 20 && results.Any(r => r is not { Succeeded: true }); round++)
        {
            var pending = Enumerable.Range(0, input.Count).Where(i => results[i] is not { Succeeded: true }).ToList();
            if (round > 0)
            {
                var found = await provider.FindByCrmIdsAsync(groupId, [.. pending.Select(i => input[i].CrmId)], Ct);
                foreach (var i in pending.Where(i => found.ContainsKey(input[i].CrmId)).ToList())
                {
                    results[i] = new WriteResult(found[input[i].CrmId].Id, found[input[i].CrmId].ETag, found[input[i].CrmId], null);
                    pending.Remove(i);
                }
            }
            if (pending.Count == 0) break;
            var sent = await provider.CreateAsync(groupId, [.. pending.Select(i => input[i])], Ct);
            for (var k = 0; k < pending.Count; k++)
            {
                results[pending[k]] = sent[k];
                if (!sent[k].Succeeded) Assert.Equal(ProviderErrorKind.Unconfirmed, sent[k].Error!.Kind);
            }
        }
        return [.. results.Select(r => r!)];
    }

    [Fact]
    public async Task Retry_After_is_honoured_and_throttling_that_outlasts_the_attempts_throws_ProviderThrottled()
    {
        var account = await sandbox.ConnectAsync(sandbox.CreateOAuth(o => o.MaxAttempts = 2));
        await sandbox.SetFaultsAsync(status429Rate: 1.0, retryAfterSeconds: 1);

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ProviderThrottledException>(() => account.Provider.ListGroupsAsync(Ct));

        // One wait of the server's second, not the 10 ms back-off the adapter would pick on its own.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(950), $"waited only {watch.Elapsed}");
        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
        // Both attempts reached the wire and were throttled: the session's traffic says so, below the retries.
        Assert.Equal(2, account.Provider.Traffic.Throttled);
        Assert.True(account.Provider.Traffic.Requests >= 2);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_adapter_waits_is_handed_to_the_engine_at_once()
    {
        var account = await sandbox.ConnectAsync();
        await sandbox.SetFaultsAsync(status429Rate: 1.0, retryAfterSeconds: 120);

        var error = await Assert.ThrowsAsync<ProviderThrottledException>(() => account.Provider.GetChangesAsync("contactGroups/any", null, Ct));

        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
    }

    [Fact]
    public async Task A_provider_that_stays_down_throws_ProviderUnavailable_after_bounded_attempts()
    {
        var account = await sandbox.ConnectAsync(sandbox.CreateOAuth(o => o.MaxAttempts = 3));
        await sandbox.SetFaultsAsync(resetRate: 1.0);

        await Assert.ThrowsAsync<ProviderUnavailableException>(() => account.Provider.ListGroupsAsync(Ct));
        await Assert.ThrowsAsync<ProviderUnavailableException>(() =>
            account.Provider.CreateAsync("contactGroups/any", [new NewProviderContact("down-1", Contacts.Simple("Down"))], Ct));
    }
}
