using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContactSync.Domain.Contacts;
using ContactSync.Providers;
using ContactSync.Sync.Tests.Support;
using Xunit.Abstractions;

namespace ContactSync.Sync.Tests;

/// <summary>
/// Random creates, edits and deletes on both sides of several connections, Google and Outlook, while the sandbox
/// throttles (429), fails (5xx), drops connections and lets its listings and change feeds lag every write by a second.
/// In the end both sides hold the same contacts with the same values, nobody has a twin, and a value both sides
/// changed is either side's with the other one in a conflict record. Seeded: the seed is printed, and
/// <c>CONVERGE_SEED=&lt;seed&gt;</c> replays a run.
/// </summary>
[Collection(SyncCollection.Name)]
public sealed class ConvergenceTests(SyncFixture system, ITestOutputHelper output)
{
    private const int Rounds = 5;
    private const int PropagationDelayMs = 1000;
    private static readonly object Faults = new { provider = "*", status429Rate = 0.1, status5xxRate = 0.1, resetRate = 0.05, retryAfterSeconds = 0 };
    private static readonly object NoFaults = new { provider = "*", status429Rate = 0.0, status5xxRate = 0.0, resetRate = 0.0 };
    private static readonly string[] Fields = ["jobTitle", "company", "notes"];

    [Fact]
    public async Task Random_edits_on_both_sides_under_faults_and_lag_converge_with_no_twin_and_every_overwritten_value_in_a_conflict()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CONVERGE_SEED"), out var s) ? s : Random.Shared.Next();
        output.WriteLine($"CONVERGE_SEED={seed}");
        var random = new Random(seed);
        await system.SetFaultsAsync(new { provider = "*", propagationDelayMs = PropagationDelayMs });
        try
        {
            var lanes = new List<Lane>();
            foreach (var (provider, i) in new[] { ("google", 0), ("google", 1), ("microsoft", 2) }) lanes.Add(await StartLaneAsync(provider, i, random));

            for (var round = 0; round < Rounds; round++)
            {
                foreach (var lane in lanes) lane.EditedThisRound.Clear();
                foreach (var lane in lanes) await ProviderStepAsync(lane, round, random);
                await system.SetFaultsAsync(Faults);
                foreach (var lane in lanes) await CrmStepAsync(lane, round, random);
                if (round % 2 == 1) foreach (var lane in lanes) await ConflictAsync(lane, round, random);
                var before = DateTimeOffset.UtcNow;
                foreach (var lane in lanes) await lane.Crm.StepAsync(lane.Connection, "sync", HttpStatusCode.Accepted);
                foreach (var lane in lanes) await lane.Crm.SyncedAsync(lane.Connection, before, TimeSpan.FromSeconds(120));
                await system.SetFaultsAsync(NoFaults);
            }

            foreach (var lane in lanes) await ConvergedAsync(lane);
            foreach (var lane in lanes) await ConflictsRecordedAsync(lane);
        }
        finally
        {
            await system.SetFaultsAsync(new { provider = "*", status429Rate = 0.0, status5xxRate = 0.0, resetRate = 0.0, propagationDelayMs = 0 });
        }
    }

    /// <summary>One connection: a tenant's user, a provider account, and what the test expects of each contact.</summary>
    private sealed class Lane(string provider, int index, CrmUser crm, IContactProvider at)
    {
        public string Provider => provider;
        public CrmUser Crm => crm;
        public IContactProvider At => at;
        public Guid Connection;
        public string GroupId = "";
        public readonly Dictionary<string, Dictionary<string, string?>> Alive = [];
        public readonly Dictionary<string, Guid> CrmIds = [];
        public readonly Dictionary<string, string> ProviderIds = [];
        public readonly Dictionary<string, (string Field, string CrmValue, string ProviderValue)> Conflicted = [];
        /// <summary>Contacts either side edited this round.</summary>
        public readonly HashSet<string> EditedThisRound = [];
        private int _next;

        public string NewMarker(string side) => $"L{index}{side}{_next++:D3}";
    }

    private async Task<Lane> StartLaneAsync(string provider, int index, Random random)
    {
        var crm = await system.NewTenantAsync();
        var email = SyncFixture.Email();
        var lane = new Lane(provider, index, crm, await system.AtProviderAsync(provider, email));
        var account = await system.ConnectAccountAsync(crm, provider, email);
        for (var i = 0; i < 12; i++) await CrmCreateAsync(lane, random);
        var group = await lane.At.EnsureGroupAsync($"Converge {index} {Guid.NewGuid():N}"[..20], CancellationToken.None);
        lane.GroupId = group.Id;
        for (var i = 0; i < 6; i++) await ProviderCreateAsync(lane, random);
        lane.Connection = await crm.NewConnectionAsync(new { accountId = account, scope = "owned", group = new { id = group.Id }, providerDeletes = "delete" });
        await crm.StepAsync(lane.Connection, "start", HttpStatusCode.Accepted);
        await crm.SyncedAsync(lane.Connection, timeout: TimeSpan.FromSeconds(120));
        return lane;
    }

    private static Dictionary<string, string?> NewValues(Random random) => Fields.ToDictionary(f => f, f => random.Next(3) == 0 ? null : $"{f}-{random.Next(1000)}");

    private async Task CrmCreateAsync(Lane lane, Random random)
    {
        var marker = lane.NewMarker("C");
        var values = NewValues(random);
        lane.CrmIds[marker] = await lane.Crm.NewContactAsync(new
        {
            name = new { given = "Conv", family = marker }, emails = new[] { new { value = $"{marker.ToLowerInvariant()}@converge.test" } },
            jobTitle = values["jobTitle"], company = values["company"], notes = values["notes"],
        });
        lane.Alive[marker] = values;
    }

    private static async Task ProviderCreateAsync(Lane lane, Random random)
    {
        var marker = lane.NewMarker("P");
        var values = NewValues(random);
        var result = await lane.At.CreateAsync(lane.GroupId, [new NewProviderContact(Guid.NewGuid().ToString(), With(new ContactFields
        {
            Name = new PersonName("Conv", Family: marker), Emails = [new EmailAddress($"{marker.ToLowerInvariant()}@converge.test")],
        }, values))], CancellationToken.None);
        Assert.True(result[0].Succeeded, result[0].Error?.Message);
        lane.ProviderIds[marker] = result[0].Id!;
        lane.Alive[marker] = values;
    }

    private static ContactFields With(ContactFields f, IReadOnlyDictionary<string, string?> v) =>
        f with { JobTitle = v["jobTitle"], Company = v["company"], Notes = v["notes"] };

    /// <summary>Contacts both sides know, not in a conflict, not touched yet this round.</summary>
    private static List<string> Editable(Lane lane, HashSet<string> touched) =>
        [.. lane.Alive.Keys.Where(m => !lane.Conflicted.ContainsKey(m) && !touched.Contains(m)).Order(StringComparer.Ordinal)];

    /// <summary>The person at the provider (faults off: the person is not under test) creates, edits and deletes.</summary>
    private async Task ProviderStepAsync(Lane lane, int round, Random random)
    {
        await RefreshProviderIdsAsync(lane);
        var touched = new HashSet<string>();
        for (var op = 0; op < 5; op++)
        {
            var candidates = Editable(lane, touched).Where(lane.ProviderIds.ContainsKey).ToList();
            var kind = random.Next(10);
            if (kind < 2 || candidates.Count == 0)
            {
                await ProviderCreateAsync(lane, random);
                continue;
            }
            var marker = candidates[random.Next(candidates.Count)];
            touched.Add(marker);
            lane.EditedThisRound.Add(marker);
            var current = (await lane.At.GetAsync([lane.ProviderIds[marker]], CancellationToken.None)).Single();
            if (kind < 3)
            {
                Assert.True((await lane.At.DeleteAsync([current.Id], CancellationToken.None))[0].Succeeded);
                lane.Alive.Remove(marker);
                continue;
            }
            var field = Fields[random.Next(Fields.Length)];
            lane.Alive[marker][field] = $"p{round}-{field}-{random.Next(1000)}";
            await ProviderUpdateAsync(lane, current, lane.Alive[marker]);
        }
        output.WriteLine($"round {round}, {lane.Provider}: provider side done, {lane.Alive.Count} alive");
    }

    /// <summary>The person's edit at the provider, made on the version they read; if the sync wrote in between (a stale
    /// version), they read again and make it again, as a person would.</summary>
    private static async Task ProviderUpdateAsync(Lane lane, ProviderContact current, IReadOnlyDictionary<string, string?> values)
    {
        for (var attempt = 1; ; attempt++)
        {
            var result = await lane.At.UpdateAsync([new ProviderContactUpdate(current.Id, With(current.Fields, values), current.ETag)], CancellationToken.None);
            if (result[0].Succeeded) return;
            Assert.True(result[0].Error!.Kind == ProviderErrorKind.Conflict && attempt < 5, $"provider update: {result[0].Error!.Kind} {result[0].Error!.Message}");
            current = (await lane.At.GetAsync([current.Id], CancellationToken.None)).Single();
        }
    }

    /// <summary>The CRM user creates, edits and deletes, with the sandbox faulting meanwhile.</summary>
    private async Task CrmStepAsync(Lane lane, int round, Random random)
    {
        await RefreshCrmIdsAsync(lane);
        var touched = new HashSet<string>();
        for (var op = 0; op < 5; op++)
        {
            var candidates = Editable(lane, touched).Where(lane.CrmIds.ContainsKey).ToList();
            var kind = random.Next(10);
            if (kind < 2 || candidates.Count == 0)
            {
                await CrmCreateAsync(lane, random);
                continue;
            }
            var marker = candidates[random.Next(candidates.Count)];
            touched.Add(marker);
            lane.EditedThisRound.Add(marker);
            if (kind < 3)
            {
                using var deleted = await lane.Crm.Api.DeleteAsync($"/api/contacts/{lane.CrmIds[marker]}");
                Assert.True(deleted.IsSuccessStatusCode, $"CRM delete: {(int)deleted.StatusCode}");
                lane.Alive.Remove(marker);
                continue;
            }
            var field = Fields[random.Next(Fields.Length)];
            var value = $"c{round}-{field}-{random.Next(1000)}";
            lane.Alive[marker][field] = value;
            using var patch = await lane.Crm.Api.PatchAsJsonAsync($"/api/contacts/{lane.CrmIds[marker]}", new Dictionary<string, string> { [field] = value });
            await SyncFixture.Read(patch, HttpStatusCode.OK);
        }
    }

    /// <summary>Both sides change one field of one contact while the connection is paused, so the run after the resume
    /// sees both changes at once: a conflict by construction. The contact is one neither side edited earlier this
    /// round: providers date a change per contact, not per field, so an older edit of another field on the provider's
    /// side would take this later edit's time, and which value is "last" would not be knowable.</summary>
    private async Task ConflictAsync(Lane lane, int round, Random random)
    {
        await RefreshProviderIdsAsync(lane);
        await RefreshCrmIdsAsync(lane);
        var candidates = Editable(lane, lane.EditedThisRound).Where(m => lane.CrmIds.ContainsKey(m) && lane.ProviderIds.ContainsKey(m)).ToList();
        if (candidates.Count == 0) return;
        var marker = candidates[random.Next(candidates.Count)];
        var field = Fields[random.Next(Fields.Length)];
        var (crmValue, providerValue) = ($"crm-{round}-{field}", $"provider-{round}-{field}");
        await lane.Crm.StepAsync(lane.Connection, "pause", HttpStatusCode.OK);
        await Eventually.TrueAsync(async () => (await lane.Crm.GetConnectionAsync(lane.Connection)).GetProperty("state").GetString() == "paused", "the pause");
        using (var patch = await lane.Crm.Api.PatchAsJsonAsync($"/api/contacts/{lane.CrmIds[marker]}", new Dictionary<string, string> { [field] = crmValue }))
            await SyncFixture.Read(patch, HttpStatusCode.OK);
        await system.SetFaultsAsync(NoFaults);
        var current = (await lane.At.GetAsync([lane.ProviderIds[marker]], CancellationToken.None)).Single();
        await ProviderUpdateAsync(lane, current, new Dictionary<string, string?>(lane.Alive[marker]) { [field] = providerValue });
        await system.SetFaultsAsync(Faults);
        lane.Conflicted[marker] = (field, crmValue, providerValue);
        await lane.Crm.StepAsync(lane.Connection, "resume", HttpStatusCode.OK);
    }

    private static async Task RefreshProviderIdsAsync(Lane lane)
    {
        foreach (var c in await lane.At.ContactsInGroupAsync(lane.GroupId))
            if (c.Fields.Name.Family is { } family && lane.Alive.ContainsKey(family)) lane.ProviderIds[family] = c.Id;
    }

    private static async Task RefreshCrmIdsAsync(Lane lane)
    {
        foreach (var c in await CrmContactsAsync(lane))
            if (c.GetProperty("name").GetProperty("family").GetString() is { } family && lane.Alive.ContainsKey(family)) lane.CrmIds[family] = c.GetProperty("id").GetGuid();
    }

    private static async Task<List<JsonElement>> CrmContactsAsync(Lane lane)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await SyncFixture.Read(await lane.Crm.Api.GetAsync($"/api/contacts?limit=500{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}"), HttpStatusCode.OK);
            all.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.String ? page.GetProperty("nextCursor").GetString() : null;
        } while (cursor is not null);
        return all;
    }

    /// <summary>Runs "sync now" until both sides hold exactly the expected contacts (each once) with the expected
    /// values, or a timeout passes; then fails with what still differs.</summary>
    private async Task ConvergedAsync(Lane lane)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        var attempts = 0;
        while (true)
        {
            attempts++;
            var before = DateTimeOffset.UtcNow;
            await lane.Crm.StepAsync(lane.Connection, "sync", HttpStatusCode.Accepted);
            await lane.Crm.SyncedAsync(lane.Connection, before, TimeSpan.FromSeconds(60));
            var crm = (await CrmContactsAsync(lane)).Select(c => (Marker: c.GetProperty("name").GetProperty("family").GetString()!,
                Values: Fields.ToDictionary(f => f, f => c.TryGetProperty(f, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null))).ToList();
            var provider = (await lane.At.ContactsInGroupAsync(lane.GroupId)).Select(c => (Marker: c.Fields.Name.Family!,
                Values: new Dictionary<string, string?> { ["jobTitle"] = c.Fields.JobTitle, ["company"] = c.Fields.Company, ["notes"] = c.Fields.Notes })).ToList();
            var problems = Differences(lane, "CRM", crm).Concat(Differences(lane, lane.Provider, provider)).ToList();
            if (problems.Count == 0)
            {
                output.WriteLine($"{lane.Provider} lane converged after {attempts} sync-now runs: {lane.Alive.Count} contacts, {lane.Conflicted.Count} conflicts");
                return;
            }
            if (attempts <= 3) output.WriteLine($"{lane.Provider} lane, attempt {attempts}: {string.Join("; ", problems.Take(5))}");
            if (DateTime.UtcNow > deadline)
            {
                foreach (var marker in lane.CrmIds.Keys.Where(m => problems.Any(p => p.Contains(m))).Take(4)) await DumpAsync(lane, marker);
                var dashboard = await SyncFixture.Read(await lane.Crm.Api.GetAsync($"/api/connections/{lane.Connection}/dashboard"), HttpStatusCode.OK);
                output.WriteLine($"--- runs: {Shorten(dashboard.GetProperty("runs").ToString())}");
                output.WriteLine($"--- connection: {Shorten((await lane.Crm.GetConnectionAsync(lane.Connection)).ToString())}");
                Assert.Fail($"{lane.Provider} lane did not converge: {string.Join("; ", problems.Take(10))}");
            }
        }
    }

    /// <summary>On a failure: the log of one contact, its own stream and what its connection recorded about it.</summary>
    private async Task DumpAsync(Lane lane, string marker)
    {
        var ids = new List<string>();
        if (lane.CrmIds.TryGetValue(marker, out var crmId)) ids.Add(crmId.ToString());
        if (lane.ProviderIds.TryGetValue(marker, out var providerId)) ids.Add(providerId);
        await using var conn = new Npgsql.NpgsqlConnection(system.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("""
            SELECT e.global_position, s.stream_name, e.event_type, e.created, e.data::text FROM es.events e JOIN es.streams s ON s.stream_id = e.stream_id
            WHERE (s.stream_name = $1 OR s.stream_name = $2) AND (e.data::text LIKE ANY($3)) ORDER BY e.global_position
            """, conn)
        {
            Parameters =
            {
                new() { Value = $"ConnectionSync-{lane.Connection:D}" }, new() { Value = crmId == Guid.Empty ? "" : $"Contact-{crmId:D}" },
                new() { Value = ids.Select(i => $"%{i}%").ToArray() },
            },
        };
        await using var reader = await cmd.ExecuteReaderAsync();
        output.WriteLine($"--- log of {marker} ({string.Join(", ", ids)})");
        while (await reader.ReadAsync())
            output.WriteLine($"{reader.GetInt64(0)} {reader.GetString(1)[..8]} {reader.GetString(2)} {reader.GetDateTime(3):HH:mm:ss.fff} {Shorten(reader.GetString(4))}");
    }

    private static string Shorten(string json) => json.Length > 3000 ? json[..3000] + "…" : json;

    private static IEnumerable<string> Differences(Lane lane, string side, List<(string Marker, Dictionary<string, string?> Values)> held)
    {
        foreach (var twin in held.GroupBy(h => h.Marker).Where(g => g.Count() > 1)) yield return $"{side} holds {twin.Key} {twin.Count()} times";
        foreach (var missing in lane.Alive.Keys.Except(held.Select(h => h.Marker))) yield return $"{side} lacks {missing}";
        foreach (var extra in held.Select(h => h.Marker).Distinct().Except(lane.Alive.Keys)) yield return $"{side} still holds {extra}";
        foreach (var (marker, values) in held.Where(h => lane.Alive.ContainsKey(h.Marker)))
            foreach (var field in Fields)
            {
                var expected = lane.Alive[marker][field];
                if (lane.Conflicted.TryGetValue(marker, out var c) && c.Field == field)
                {
                    if (values[field] != c.CrmValue && values[field] != c.ProviderValue) yield return $"{side} {marker}.{field} = {values[field]}, neither side's value";
                }
                else if (values[field] != expected) yield return $"{side} {marker}.{field} = {values[field] ?? "null"}, expected {expected ?? "null"}";
            }
    }

    /// <summary>Both sides agree on a conflicted field (checked above); the value that lost is in a conflict record.</summary>
    private async Task ConflictsRecordedAsync(Lane lane)
    {
        var conflicts = await SyncFixture.Read(await lane.Crm.Api.GetAsync($"/api/connections/{lane.Connection}/conflicts?state=all&limit=500"), HttpStatusCode.OK);
        var records = conflicts.GetProperty("items").EnumerateArray().ToList();
        foreach (var (marker, (field, crmValue, providerValue)) in lane.Conflicted)
        {
            Assert.Contains(records, r => r.GetProperty("contactId").GetGuid() == lane.CrmIds[marker] && r.GetProperty("field").GetString() == field
                && r.GetProperty("crmValue").ToString() == crmValue && r.GetProperty("providerValue").ToString() == providerValue);
        }
    }
}
