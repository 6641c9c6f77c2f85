using ContactSync.Domain.Contacts;
using ContactSync.Providers.Microsoft;

namespace ContactSync.Providers.Tests.Microsoft;

/// <summary>
/// The adapter under each injected fault, driven the way the sync engine drives it: calls that end in
/// <see cref="ProviderThrottledException"/>/<see cref="ProviderUnavailableException"/> or items that end throttled
/// or transient are tried again, and a create is only repeated after looking its CRM id up (sync rule 8).
/// Whatever the faults, nothing may be lost or duplicated.
/// </summary>
public sealed class MicrosoftAdapterFaultTests(GraphAdapterFixture sandbox) : IClassFixture<GraphAdapterFixture>, IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const int Rounds = 60;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => sandbox.ClearFaultsAsync();

    [Theory]
    [InlineData("throttling", 0.3, 0.0, 0.0, 0, 1)]
    [InlineData("server errors", 0.0, 0.3, 0.0, 0, 0)]
    [InlineData("dropped connections", 0.0, 0.0, 0.2, 0, 0)]
    [InlineData("latency", 0.0, 0.0, 0.0, 40, 0)]
    [InlineData("everything at once", 0.15, 0.15, 0.1, 5, 0)]
    public async Task Sync_operations_survive_faults_without_losing_or_duplicating_anything(
        string mode, double rate429, double rate5xx, double resetRate, int latencyMs, int retryAfter)
    {
        Assert.False(string.IsNullOrEmpty(mode));
        var provider = (await sandbox.ConnectAsync()).Provider;
        var group = await provider.EnsureGroupAsync("Faulty", Ct);
        var before = await FaultCountsAsync();
        await sandbox.SetFaultsAsync(new
        {
            provider = "microsoft", status429Rate = rate429, status5xxRate = rate5xx, resetRate, latencyMs, retryAfterSeconds = retryAfter,
        });

        var wanted = Enumerable.Range(0, 30).ToDictionary(i => $"crm-{Guid.NewGuid():N}", i => Fields($"Person{i}"));
        var ids = await CreateAllAsync(provider, group.Id, wanted);
        Assert.Equal(wanted.Count, ids.Values.Distinct().Count());

        var (fullIds, cursor) = await FullSyncAsync(provider, group.Id);
        Assert.Equal(ids.Values.Order(), fullIds.Order());

        var toUpdate = ids.Keys.Take(10).ToList();
        foreach (var crmId in toUpdate) wanted[crmId] = Fields($"Updated {crmId[..8]}");
        await UntilDoneAsync(toUpdate, batch => provider.UpdateAsync(batch.Select(c => new ProviderContactUpdate(ids[c], wanted[c], null)).ToList(), Ct));
        var toDelete = ids.Keys.Skip(25).ToList();
        await UntilDoneAsync(toDelete, batch => provider.DeleteAsync(batch.Select(c => ids[c]).ToList(), Ct));
        foreach (var crmId in toDelete) wanted.Remove(crmId);

        var (upserts, removals) = await IncrementalAsync(provider, group.Id, cursor);
        Assert.Equal(toUpdate.Select(c => ids[c]).Order(), upserts.Keys.Order());
        Assert.Equal(toDelete.Select(c => ids[c]).Order(), removals.Order());

        var after = await FaultCountsAsync();
        if (rate429 > 0) Assert.True(after.Throttled > before.Throttled, "no request was throttled");
        if (rate5xx > 0) Assert.True(after.Failed > before.Failed, "no request failed");

        await sandbox.ClearFaultsAsync();
        var stored = await provider.GetAsync(ids.Values.ToList(), Ct);
        Assert.Equal(wanted.Keys.Order(), stored.Select(s => s.CrmId!).Order());
        Assert.All(stored, s => Assert.Equal(GraphContactMapping.Retainable(wanted[s.CrmId!]), s.Fields));
        var (finalIds, _) = await FullSyncAsync(provider, group.Id);
        Assert.Equal(wanted.Count, finalIds.Count);
    }

    private async Task<(long Throttled, long Failed)> FaultCountsAsync()
    {
        var items = System.Text.Json.Nodes.JsonNode.Parse(await sandbox.Http.GetStringAsync("_sandbox/stats"))!["items"]!.AsArray();
        long Count(params int[] statuses) => items
            .Where(i => i!["provider"]!.GetValue<string>() == "microsoft" && statuses.Contains(i["status"]!.GetValue<int>()))
            .Sum(i => i!["count"]!.GetValue<long>());
        return (Count(429), Count(500, 503));
    }

    private static ContactFields Fields(string name) => new()
    {
        Name = new PersonName(name, Family: "Fault"),
        Emails = [new EmailAddress($"{Guid.NewGuid():N}@contoso.com")],
        Phones = [new PhoneNumber("+1 555 0100", "work")],
        Notes = name,
    };

    private static async Task<T> Persist<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (ProviderException e) when (e is ProviderThrottledException or ProviderUnavailableException && attempt < Rounds)
            {
            }
        }
    }

    private static async Task<Dictionary<string, string>> CreateAllAsync(IContactProvider provider, string groupId, Dictionary<string, ContactFields> wanted)
    {
        var ids = new Dictionary<string, string>();
        for (var round = 0; round < Rounds && ids.Count < wanted.Count; round++)
        {
            if (round > 0)
                foreach (var crmId in wanted.Keys.Where(k => !ids.ContainsKey(k)).ToList())
                    if (await Persist(() => provider.FindByCrmIdAsync(groupId, crmId, Ct)) is { } found) ids[crmId] = found.Id;
            var pending = wanted.Keys.Where(k => !ids.ContainsKey(k)).ToList();
            if (pending.Count == 0) break;
            try
            {
                var results = await provider.CreateAsync(groupId, pending.Select(k => new NewProviderContact(k, wanted[k])).ToList(), Ct);
                for (var i = 0; i < pending.Count; i++)
                {
                    if (results[i].Succeeded) ids[pending[i]] = results[i].Id!;
                    // Unconfirmed: maybe created; the next round looks it up by CRM id before sending it again.
                    else Assert.Contains(results[i].Error!.Kind, new[] { ProviderErrorKind.Throttled, ProviderErrorKind.Transient, ProviderErrorKind.Unconfirmed });
                }
            }
            catch (ProviderException e) when (e is ProviderThrottledException or ProviderUnavailableException)
            {
            }
        }
        Assert.Equal(wanted.Count, ids.Count);
        return ids;
    }

    private static async Task UntilDoneAsync(List<string> keys, Func<List<string>, Task<IReadOnlyList<WriteResult>>> write)
    {
        var pending = keys;
        for (var round = 0; round < Rounds && pending.Count > 0; round++)
        {
            var batch = pending;
            var results = await Persist(() => write(batch));
            pending = batch.Where((_, i) => !results[i].Succeeded).ToList();
            Assert.All(results.Where(r => !r.Succeeded), r => Assert.Contains(r.Error!.Kind, new[] { ProviderErrorKind.Throttled, ProviderErrorKind.Transient }));
        }
        Assert.Empty(pending);
    }

    private static async Task<(List<string> Ids, string Cursor)> FullSyncAsync(IContactProvider provider, string groupId)
    {
        var ids = new List<string>();
        string? cursor = null;
        while (true)
        {
            var page = await Persist(() => provider.GetChangesAsync(groupId, cursor, Ct));
            ids.AddRange(page.Upserts.Select(u => u.Id));
            cursor = page.Cursor;
            if (!page.HasMore) return (ids.Distinct().ToList(), cursor);
        }
    }

    private static async Task<(Dictionary<string, ProviderContact> Upserts, HashSet<string> Removals)> IncrementalAsync(
        IContactProvider provider, string groupId, string cursor)
    {
        var upserts = new Dictionary<string, ProviderContact>();
        var removals = new HashSet<string>();
        while (true)
        {
            var page = await Persist(() => provider.GetChangesAsync(groupId, cursor, Ct));
            foreach (var u in page.Upserts) upserts[u.Id] = u;
            foreach (var r in page.Removals) removals.Add(r.Id);
            cursor = page.Cursor;
            if (!page.HasMore) return (upserts, removals);
        }
    }
}
