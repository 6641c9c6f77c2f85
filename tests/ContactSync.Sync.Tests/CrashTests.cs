using System.Net;
using System.Net.Http.Json;
using ContactSync.Sync.Tests.Support;
using Xunit.Abstractions;

namespace ContactSync.Sync.Tests;

[Collection(SyncCollection.Name)]
public sealed class CrashTests(SyncFixture system, ITestOutputHelper output)
{
    [Fact]
    public async Task A_projector_killed_again_and_again_during_a_first_sync_leaves_no_duplicate_and_every_contact_linked_once()
    {
        var seed = Environment.GetEnvironmentVariable("CRASH_SEED") is { } s ? int.Parse(s) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with CRASH_SEED={seed})");
        var random = new Random(seed);
        const int count = 2_000;

        var crm = await system.NewTenantAsync();
        var ids = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            ids.Add(await crm.NewContactAsync(new { name = new { given = $"Crash{i}", family = "Test" }, emails = new[] { new { value = $"c{i}-{seed}@example.com" } } })));
        var email = SyncFixture.Email();
        var account = await system.ConnectAccountAsync(crm, "google", email);
        var connection = await crm.NewConnectionAsync(new { accountId = account, scope = "owned", group = new { name = $"Crash {seed}" } });

        await system.StopProjectorAsync();
        try
        {
            await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
            var linked = 0;
            for (var kill = 0; kill < 5; kill++)
            {
                // Killed once it has linked a random number more contacts: always in the middle of the first sync.
                var target = Math.Min(count - 1, linked + random.Next(1, count / 6));
                await using var projector = ProjectorProcess.Start(system.ProjectorEnvironment());
                await Eventually.TrueAsync(async () =>
                {
                    Assert.False(projector.HasExited, "the projector process died on its own");
                    linked = (await crm.GetConnectionAsync(connection)).GetProperty("counts").GetProperty("linked").GetInt32();
                    return linked >= target;
                }, $"{target} contacts linked before kill {kill + 1}", TimeSpan.FromMinutes(2));
                await projector.KillAsync();
                output.WriteLine($"kill {kill + 1} at {linked} linked");
            }
        }
        finally
        {
            await system.StartProjectorAsync();
        }

        // Creates a killed run announced but never saw answered are looked up only once the provider's lag has passed
        // (rule 8), so the run after the restart may finish first; a later one links them.
        await Eventually.TrueAsync(async () => (await crm.GetConnectionAsync(connection)).GetProperty("counts").GetProperty("linked").GetInt32() >= count,
            "every contact linked", TimeSpan.FromMinutes(3));
        var synced = await crm.SyncedAsync(connection, timeout: TimeSpan.FromMinutes(3));
        var google = await system.AtProviderAsync("google", email);
        var inGroup = await google.ContactsInGroupAsync(synced.GetProperty("group").GetProperty("id").GetString()!);
        Assert.Equal(count, inGroup.Count);
        Assert.Equal(ids.Select(i => i.ToString()).Order(), inGroup.Select(c => c.CrmId!).Order());
        Assert.Equal(count, synced.GetProperty("counts").GetProperty("linked").GetInt32());
        // Each killed run was closed, as interrupted, by the run after it: none reads as running forever.
        var (open, interrupted) = await system.UnendedRunsAsync(connection);
        Assert.Equal(0, open);
        Assert.InRange(interrupted, 1, 5);
    }
}
