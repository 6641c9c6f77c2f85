using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ContactSync.Api;
using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Serialization;
using ContactSync.EventStore;
using ContactSync.Providers;
using ContactSync.Providers.Google;
using ContactSync.Providers.Microsoft;
using ContactSync.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ContactSync.Benchmarks.Sync;

/// <summary>
/// The sync engine end to end, as it runs in production: PostgreSQL, the sandbox and the API in this process, the
/// Projector as its own process (its peak RSS is read from /proc). Measures (1) a first sync of N CRM contacts to an
/// empty Google account, with the provider requests it took, against a bare client sending the same batches straight
/// to the sandbox (the floor); (2) a CRM edit reaching Google, over many edits; (3) a first import of N contacts from a
/// Microsoft mailbox folder, against the bare client's own listing of that folder. Prints a table and a BENCH_JSON line.
/// </summary>
public static class SyncBenchmark
{
    private const string EnvironmentVariable = "CONTACTSYNC_BENCH_PG";

    public static async Task<int> RunAsync(string[] args)
    {
        var count = (int)Option(args, "--contacts", 25_000);
        var msCount = (int)Option(args, "--ms-contacts", 25_000);
        var edits = (int)Option(args, "--edits", 500);
        var total = Stopwatch.StartNew();

        await using var server = await BenchmarkServer.StartAsync(EnvironmentVariable, new Dictionary<string, string> { ["shared_buffers"] = "256MB", ["max_connections"] = "200" }, args.Contains("--tcp"));
        var cs = await server.CreateDatabaseAsync("bench_sync");
        var (sandbox, sandboxUri) = await SandboxApp.StartOnFreePortAsync();
        await using var _ = sandbox;
        var operatorKey = "op_" + System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var grantKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var api = ApiApp.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:events"] = cs, ["ContactSync:OperatorKey"] = operatorKey, ["Providers:SandboxUri"] = sandboxUri.ToString(),
                ["ContactSync:GrantKeys:Current"] = "bench", ["ContactSync:GrantKeys:Keys:bench"] = grantKey,
                ["ContactSync:Api:RateLimitBurst"] = "1000000000", ["ContactSync:Api:RateLimitPerSecond"] = "1000000000",
                ["Logging:LogLevel:Default"] = "Warning",
            });
            b.WebHost.UseUrls("http://127.0.0.1:0");
        });
        await api.StartAsync();
        var apiUri = new Uri(api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var projector = StartProjector(new()
        {
            ["ConnectionStrings__events"] = cs, ["Providers__SandboxUri"] = sandboxUri.ToString(),
            ["ContactSync__GrantKeys__Current"] = "bench", ["ContactSync__GrantKeys__Keys__bench"] = grantKey,
            ["ContactSync__Sync__ScanInterval"] = "00:00:00.200", ["Logging__LogLevel__Default"] = "Warning", ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ContactSync__PublicUrl"] = apiUri.ToString(),   // Outlook connections get change notifications from the sandbox
        });
        Console.WriteLine($"PostgreSQL: {server.Description}; sandbox at {sandboxUri}; API at {apiUri}; projector pid {projector.Id}");

        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, MaxConnectionsPerServer = 64 };
        using var op = Client(handler, apiUri, operatorKey);
        await WaitAsync(async () => (await op.GetAsync("/health")).IsSuccessStatusCode, "the API");
        var tenant = await ReadAsync(await op.PostAsJsonAsync("/api/tenants", new { name = "Bench", admin = new { name = "Bench Admin", email = "admin@bench.example.com" } }));
        var tenantId = tenant.GetProperty("tenant").GetProperty("id").GetGuid();
        var adminId = tenant.GetProperty("admin").GetProperty("id").GetGuid();
        using var admin = Client(handler, apiUri, tenant.GetProperty("apiKey").GetString()!);
        using var sandboxClient = new HttpClient(handler, disposeHandler: false) { BaseAddress = sandboxUri };

        var seed = Stopwatch.StartNew();
        var ids = await SeedAsync(api.Services.GetRequiredService<IEventStore>(), tenantId, adminId, count);
        await WaitAsync(async () => (await admin.GetAsync($"/api/contacts/{ids[^1]}")).IsSuccessStatusCode && (await admin.GetAsync($"/api/contacts/{ids[0]}")).IsSuccessStatusCode, "the contacts projection");
        Console.WriteLine($"seeded {count:N0} CRM contacts in {seed.Elapsed.TotalSeconds:F1} s");

        // Floor: the same batches from a bare client (the real Google client library, one account of its own); a small
        // round first, so neither side pays the sandbox's start-up.
        await BareGoogleFirstSyncAsync(sandboxClient, sandboxUri, 1_000);
        var floor = await BareGoogleFirstSyncAsync(sandboxClient, sandboxUri, count);

        // The engine: connect through the consent redirects, create an owned-scope connection to a new group, start.
        var googleEmail = $"bench-{Guid.NewGuid():N}@example.com";
        var googleAccount = await ConnectAsync(admin, "google", googleEmail);
        var before = await StatsAsync(sandboxClient);
        var connection = (await ReadAsync(await admin.PostAsJsonAsync("/api/connections", new { accountId = googleAccount, scope = "owned", group = new { name = "Bench" } })))
            .GetProperty("id").GetGuid();
        var first = Stopwatch.StartNew();
        await ReadAsync(await admin.PostAsync($"/api/connections/{connection}/start", null));
        await WaitAsync(async () => Linked(await ReadAsync(await admin.GetAsync($"/api/connections/{connection}")), count), "the first sync", TimeSpan.FromMinutes(10), 50);
        first.Stop();
        var requests = Diff(before, await StatsAsync(sandboxClient), "google");
        var rssMb = PeakRssMb(projector);
        Console.WriteLine($"first sync of {count:N0}: {first.Elapsed.TotalSeconds:F1} s, {requests.Total} Google requests ({requests.Summary}), projector peak RSS {rssMb:F0} MB");

        // CRM edits reaching Google, one at a time, each timed from the API's answer to the change seen at Google.
        var google = await BareGoogleAsync(sandboxClient, sandboxUri, googleEmail);
        var groupId = (await google.ListGroupsAsync(default)).Single(g => g.Name == "Bench").Id;
        var byCrmId = (await ListAllAsync(google, groupId)).ToDictionary(c => c.CrmId!, c => c.Id);
        var random = new Random(42);
        var latencies = new List<double>();
        for (var k = 0; k < edits; k++)
        {
            var id = ids[random.Next(ids.Length)];
            var title = $"Edited {k}";
            var res = await admin.PatchAsJsonAsync($"/api/contacts/{id}", new { jobTitle = title });
            var edited = Stopwatch.StartNew();
            if (!res.IsSuccessStatusCode) throw new InvalidOperationException($"PATCH answered {(int)res.StatusCode}");
            await WaitAsync(async () => (await google.GetAsync([byCrmId[id.ToString()]], default)).Single().Fields.JobTitle == title, $"edit {k} at Google", TimeSpan.FromSeconds(30), 5);
            latencies.Add(edited.Elapsed.TotalMilliseconds);
        }
        latencies.Sort();
        var (p50, p99) = (Percentile(latencies, 0.50), Percentile(latencies, 0.99));
        Console.WriteLine($"{edits} CRM edits to Google: p50 {p50:F0} ms, p99 {p99:F0} ms, max {latencies[^1]:F0} ms");

        // A first import from a Microsoft folder of msCount contacts; floor: the bare client listing that folder.
        var msEmail = $"bench-{Guid.NewGuid():N}@example.com";
        var outlook = await BareMicrosoftAsync(sandboxClient, sandboxUri, msEmail);
        var folder = await outlook.EnsureGroupAsync("Bench folder", default);
        var msSeed = Stopwatch.StartNew();
        foreach (var chunk in Enumerable.Range(0, msCount).Chunk(1_000))
        {
            var results = await outlook.CreateAsync(folder.Id, [.. chunk.Select(i => new NewProviderContact(Guid.NewGuid().ToString(), Person(i, "outlook")))], default);
            if (results.Any(r => !r.Succeeded)) throw new InvalidOperationException("seeding the Outlook folder failed");
        }
        Console.WriteLine($"seeded {msCount:N0} Outlook contacts in {msSeed.Elapsed.TotalSeconds:F1} s");
        var listing = Stopwatch.StartNew();
        var listed = (await ListAllAsync(outlook, folder.Id)).Count;
        listing.Stop();
        var msAccount = await ConnectAsync(admin, "microsoft", msEmail);
        var msConnection = (await ReadAsync(await admin.PostAsJsonAsync("/api/connections", new { accountId = msAccount, scope = "owned", group = new { id = folder.Id }, direction = "from-provider" })))
            .GetProperty("id").GetGuid();
        var import = Stopwatch.StartNew();
        await ReadAsync(await admin.PostAsync($"/api/connections/{msConnection}/start", null));
        await WaitAsync(async () => Linked(await ReadAsync(await admin.GetAsync($"/api/connections/{msConnection}")), msCount), "the Outlook import", TimeSpan.FromMinutes(15), 100);
        import.Stop();
        var rssAfter = PeakRssMb(projector);
        Console.WriteLine($"first import of {msCount:N0} from Outlook: {import.Elapsed.TotalSeconds:F1} s (the bare listing of {listed:N0}: {listing.Elapsed.TotalSeconds:F1} s); projector peak RSS {rssAfter:F0} MB");

        // Provider edits reaching the CRM: Outlook through change notifications (the poll is a minute away), Google on
        // "sync now"; each timed from the provider's answer to the value read back through the API.
        var providerEdits = (int)Option(args, "--provider-edits", 20);
        await WaitAsync(async () => (await StatsAsync(sandboxClient)).GetValueOrDefault("microsoft POST /v1.0/subscriptions") > 0,
            "the Outlook folder's change-notification subscription");
        var atOutlook = (await ListAllAsync(outlook, folder.Id)).ToDictionary(c => c.Fields.Emails[0].Value);
        var outlookLatencies = new List<double>();
        var googleLatencies = new List<double>();
        for (var k = 0; k < providerEdits; k++)
        {
            var i = random.Next(msCount);
            var found = await ReadAsync(await admin.GetAsync($"/api/contacts?q={Uri.EscapeDataString($"outlook{i}@bench")}&limit=2"));
            var crmId = found.GetProperty("items")[0].GetProperty("id").GetGuid();
            var current = (await outlook.GetAsync([atOutlook[$"outlook{i}@bench.example.com"].Id], default)).Single();
            var title = $"Outlook edit {k}";
            if (!(await outlook.UpdateAsync([new ProviderContactUpdate(current.Id, current.Fields with { JobTitle = title }, current.ETag)], default))[0].Succeeded)
                throw new InvalidOperationException("the Outlook edit failed");
            var outlookEdit = Stopwatch.StartNew();
            await WaitAsync(async () => (await ReadAsync(await admin.GetAsync($"/api/contacts/{crmId}"))).GetProperty("jobTitle").GetString() == title,
                $"Outlook edit {k} in the CRM", TimeSpan.FromSeconds(30), 5);
            outlookLatencies.Add(outlookEdit.Elapsed.TotalMilliseconds);

            var id = ids[random.Next(ids.Length)];
            var atGoogle = (await google.GetAsync([byCrmId[id.ToString()]], default)).Single();
            var company = $"Google edit {k}";
            if (!(await google.UpdateAsync([new ProviderContactUpdate(atGoogle.Id, atGoogle.Fields with { Company = company }, atGoogle.ETag)], default))[0].Succeeded)
                throw new InvalidOperationException("the Google edit failed");
            var googleEdit = Stopwatch.StartNew();
            await ReadAsync(await admin.PostAsync($"/api/connections/{connection}/sync", null));
            await WaitAsync(async () => (await ReadAsync(await admin.GetAsync($"/api/contacts/{id}"))).GetProperty("company").GetString() == company,
                $"Google edit {k} in the CRM", TimeSpan.FromSeconds(30), 5);
            googleLatencies.Add(googleEdit.Elapsed.TotalMilliseconds);
        }
        outlookLatencies.Sort();
        googleLatencies.Sort();
        Console.WriteLine($"{providerEdits} Outlook edits to the CRM (notifications): p50 {Percentile(outlookLatencies, 0.5):F0} ms, max {outlookLatencies[^1]:F0} ms; " +
            $"{providerEdits} Google edits on sync now: p50 {Percentile(googleLatencies, 0.5):F0} ms, max {googleLatencies[^1]:F0} ms");

        Console.WriteLine();
        Console.WriteLine($"{"measurement",-52} {"figure",14} {"baseline (same run)",22} {"target",16}");
        Row($"first sync of {count:N0} CRM contacts to Google", $"{first.Elapsed.TotalSeconds:F1} s", $"{floor.Seconds:F1} s bare batches", "< 30 s");
        Row("  provider requests (incl. the first sync token)", $"{requests.Total}", $"{floor.Requests} bare", "<= 160");
        Row("  projector peak RSS", $"{rssMb:F0} MB", "", "< 400 MB");
        Row($"CRM edit reaches Google ({edits} edits) p50", $"{p50:F0} ms", "", "< 300 ms");
        Row("  p99", $"{p99:F0} ms", "", "< 1000 ms");
        Row($"first import of {msCount:N0} from Outlook", $"{import.Elapsed.TotalSeconds:F1} s", $"{listing.Elapsed.TotalSeconds:F1} s bare listing", "< 45 s");
        Row($"Outlook edit reaches the CRM ({providerEdits}, notified) max", $"{outlookLatencies[^1]:F0} ms", $"poll {60_000} ms", "< 2000 ms");
        Row($"Google edit reaches the CRM on sync now ({providerEdits}) max", $"{googleLatencies[^1]:F0} ms", "", "at once");
        Console.WriteLine($"total run {total.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine("BENCH_JSON " + JsonSerializer.Serialize(new
        {
            benchmark = "sync", contacts = count, firstSyncSeconds = Math.Round(first.Elapsed.TotalSeconds, 1), firstSyncRequests = requests.Total,
            floorSeconds = Math.Round(floor.Seconds, 1), floorRequests = floor.Requests, projectorPeakRssMb = Math.Round(rssMb),
            edits, editP50Ms = Math.Round(p50), editP99Ms = Math.Round(p99), msContacts = msCount, msImportSeconds = Math.Round(import.Elapsed.TotalSeconds, 1),
            msListingSeconds = Math.Round(listing.Elapsed.TotalSeconds, 1), projectorPeakRssAfterImportMb = Math.Round(rssAfter),
            providerEdits, outlookEditP50Ms = Math.Round(Percentile(outlookLatencies, 0.5)), outlookEditMaxMs = Math.Round(outlookLatencies[^1]),
            googleSyncNowEditP50Ms = Math.Round(Percentile(googleLatencies, 0.5)), googleSyncNowEditMaxMs = Math.Round(googleLatencies[^1]),
        }));
        projector.Kill(entireProcessTree: true);
        await api.StopAsync();
        return 0;
    }

    private static void Row(string what, string figure, string baseline, string target) =>
        Console.WriteLine($"{what,-52} {figure,14} {baseline,22} {target,16}");

    private static bool Linked(JsonElement c, int count) =>
        c.GetProperty("counts").GetProperty("linked").GetInt32() >= count && c.GetProperty("state").GetString() == "idle";

    private static async Task<(double Seconds, int Requests)> BareGoogleFirstSyncAsync(HttpClient sandbox, Uri root, int count)
    {
        var google = await BareGoogleAsync(sandbox, root, $"floor-{Guid.NewGuid():N}@example.com");
        var before = await StatsAsync(sandbox);
        var clock = Stopwatch.StartNew();
        var group = await google.EnsureGroupAsync("Bench", default);
        await google.GetChangesAsync(group.Id, null, default);
        var results = await google.CreateAsync(group.Id, [.. Enumerable.Range(0, count).Select(i => new NewProviderContact(Guid.NewGuid().ToString(), Person(i, "floor")))], default);
        clock.Stop();
        if (results.Any(r => !r.Succeeded)) throw new InvalidOperationException("the bare client's creates failed");
        return (clock.Elapsed.TotalSeconds, Diff(before, await StatsAsync(sandbox), "google").Total);
    }

    private static ContactFields Person(int i, string kind) => new()
    {
        Name = new PersonName($"Given{i}", null, $"Family{i}"),
        Emails = [new EmailAddress($"{kind}{i}@bench.example.com", "work")],
        Phones = [new PhoneNumber($"+1 555 {i:D7}", "mobile")],
        Company = $"Company {i % 100}", JobTitle = "Engineer",
    };

    private static async Task<IContactProvider> BareGoogleAsync(HttpClient sandbox, Uri root, string email)
    {
        var auth = new GoogleOAuth(GoogleProviderOptions.ForRoot(root, "contactsync-bench", "secret"), NullLogger.Instance);
        var grant = await GrantAsync(sandbox, auth, email);
        return new GoogleContactProvider(auth, grant.RefreshToken);
    }

    private static async Task<IContactProvider> BareMicrosoftAsync(HttpClient sandbox, Uri root, string email)
    {
        var options = new MicrosoftProviderOptions
        {
            ClientId = "contactsync-bench", ClientSecret = "not-a-secret", Tenant = "common", GraphBaseUri = new Uri(root, "v1.0"), AuthorityUri = root,
        };
        var grant = await GrantAsync(sandbox, new MicrosoftAuthorization(sandbox, options), email);
        return new MicrosoftContactProvider(options, grant.RefreshToken);
    }

    private static async Task<ProviderGrant> GrantAsync(HttpClient sandbox, IProviderAuthorization auth, string email)
    {
        var redirect = new Uri("http://127.0.0.1:9/callback");
        using var consent = await sandbox.GetAsync(auth.BuildAuthorizeUri(Guid.NewGuid().ToString("N"), redirect, email));
        var code = QueryHelpers.ParseQuery(consent.Headers.Location!.Query)["code"].ToString();
        return await auth.ExchangeCodeAsync(code, redirect, default);
    }

    private static async Task<List<ProviderContact>> ListAllAsync(IContactProvider provider, string groupId)
    {
        var all = new Dictionary<string, ProviderContact>();
        string? cursor = null;
        while (true)
        {
            var page = await provider.GetChangesAsync(groupId, cursor, default);
            foreach (var u in page.Upserts) all[u.Id] = u;
            cursor = page.Cursor;
            if (!page.HasMore) return [.. all.Values];
        }
    }

    /// <summary>Connects an account through the consent redirects, as a browser would: the connect call and the
    /// redirects share one cookie jar (the API attaches the account only in the browser that started the connect).</summary>
    private static async Task<Guid> ConnectAsync(HttpClient user, string provider, string email)
    {
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = user.BaseAddress,
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/accounts/{provider}/connect?returnUrl={Uri.EscapeDataString("/api/accounts")}&loginHint={Uri.EscapeDataString(email)}");
        request.Headers.Authorization = user.DefaultRequestHeaders.Authorization;
        using var connect = await browser.SendAsync(request);
        using var consent = await browser.GetAsync(connect.Headers.Location);
        using var callback = await browser.GetAsync(consent.Headers.Location);
        if (callback.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"the {provider} callback answered {(int)callback.StatusCode}");
        var accounts = await ReadAsync(await user.GetAsync("/api/accounts"));
        return accounts.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("email").GetString() == email).GetProperty("id").GetGuid();
    }

    private sealed record Requests(int Total, string Summary);

    private static Requests Diff(Dictionary<string, long> before, Dictionary<string, long> after, string provider)
    {
        var diff = after.Where(kv => kv.Key.StartsWith(provider + " ", StringComparison.Ordinal) && kv.Value > before.GetValueOrDefault(kv.Key))
            .Select(kv => (Endpoint: kv.Key[(provider.Length + 1)..], Count: kv.Value - before.GetValueOrDefault(kv.Key)))
            .OrderByDescending(e => e.Count).ToList();
        return new((int)diff.Sum(e => e.Count), string.Join(", ", diff.Select(e => $"{e.Endpoint}: {e.Count}")));
    }

    private static async Task<Dictionary<string, long>> StatsAsync(HttpClient sandbox)
    {
        var stats = await sandbox.GetFromJsonAsync<JsonElement>("_sandbox/stats");
        return stats.GetProperty("items").EnumerateArray()
            .GroupBy(s => $"{s.GetProperty("provider").GetString()} {s.GetProperty("endpoint").GetString()}")
            .ToDictionary(g => g.Key, g => g.Sum(s => s.GetProperty("count").GetInt64()));
    }

    /// <summary>Contacts appended straight to the store (the seeding is not what is measured), 8 writers.</summary>
    private static async Task<Guid[]> SeedAsync(IEventStore store, Guid tenantId, Guid ownerId, int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray();
        var actor = Actor.ForUser(ownerId, "Bench Admin");
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                var created = new ContactEvent.ContactCreated(tenantId, ids[i], ContactValidation.Normalize(Person(i, "crm")).Value, ["bench"], ownerId, [],
                    ContactVisibility.Company, actor, DateTimeOffset.UtcNow);
                var (type, data) = DomainJson.Serialize(created);
                await store.AppendToStreamAsync(new StreamName(StreamNames.Contact(ids[i])), ExpectedRevision.NoStream, [new EventData(Guid.CreateVersion7(), type, data)]);
            }
        }));
        return ids;
    }

    private static Process StartProjector(Dictionary<string, string> environment)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ContactSync.sln"))) dir = dir.Parent;
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(dir!.FullName, "ContactSync.Projector", "bin", configuration, "net10.0", "ContactSync.Projector.dll");
        var info = new ProcessStartInfo("dotnet", [path]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (k, v) in environment) info.Environment[k] = v;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.Error.WriteLine("projector: " + line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The process's high-water mark of resident memory (VmHWM), in MB.</summary>
    private static double PeakRssMb(Process process) =>
        File.ReadLines($"/proc/{process.Id}/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).Single();

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static HttpClient Client(HttpMessageHandler handler, Uri address, string key)
    {
        var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage res)
    {
        var text = await res.Content.ReadAsStringAsync();
        if (!res.IsSuccessStatusCode) throw new InvalidOperationException($"{res.RequestMessage?.Method} {res.RequestMessage?.RequestUri} answered {(int)res.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, int pollMs = 100)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > (timeout ?? TimeSpan.FromMinutes(5))) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(pollMs);
        }
    }

    private static double Option(string[] args, string name, double fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
