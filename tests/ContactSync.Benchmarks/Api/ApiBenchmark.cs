using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ContactSync.Api;
using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Serialization;
using ContactSync.EventStore;
using ContactSync.Projector;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ContactSync.Benchmarks.Api;

/// <summary>
/// <c>GET /api/contacts/{id}</c> over loopback HTTP against the API and the projector hosted in this process on a
/// private PostgreSQL: seeds a tenant with contacts (appended to the event store, projected by the projector),
/// warms up, then N concurrent loops for a fixed time. Prints requests/s and latency percentiles, a table and a
/// <c>BENCH_JSON</c> line.
/// </summary>
public static class ApiBenchmark
{
    private const string EnvironmentVariable = "CONTACTSYNC_BENCH_PG";

    private static readonly Dictionary<string, string> ServerSettings = new()
    {
        ["shared_buffers"] = "256MB",
        ["max_connections"] = "200",
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Option(args, "--seconds", 15.0);
        var warmup = Option(args, "--warmup", 4.0);
        var concurrency = (int)Option(args, "--concurrency", 32);
        var contactCount = (int)Option(args, "--contacts", 10_000);
        var total = Stopwatch.StartNew();
        // The load generator shares the process: its own client-side tracing and header propagation are not what is measured.
        AppContext.SetSwitch("System.Net.Http.EnableActivityPropagation", false);

        await using var server = await BenchmarkServer.StartAsync(EnvironmentVariable, ServerSettings, args.Contains("--tcp"));
        var cs = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync("bench_api")) { MaxPoolSize = (int)Option(args, "--pool", 16), MaxAutoPrepare = 32, AutoPrepareMinUsages = 2 }.ConnectionString;
        var operatorKey = "op_" + System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var projector = ProjectorApp.Build([], b => Configure(b, cs, operatorKey));
        await projector.StartAsync();
        await using var api = ApiApp.Build([], b => Configure(b, cs, operatorKey));
        await api.StartAsync();
        var address = new Uri(api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Console.WriteLine($"PostgreSQL: {server.Description}; API at {address}; {contactCount} contacts, {concurrency} loops, {warmup} s warm-up, {seconds} s measured");

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var operatorClient = Client(handler, address, operatorKey);
        await WaitAsync(async () => (await operatorClient.GetAsync("/health")).IsSuccessStatusCode, "the API to be healthy");
        var tenant = await (await operatorClient.PostAsJsonAsync("/api/tenants",
            new { name = "Bench", admin = new { name = "Bench Admin", email = "admin@bench.example.com" } })).Content.ReadFromJsonAsync<JsonElement>();
        var tenantId = tenant.GetProperty("tenant").GetProperty("id").GetGuid();
        var adminId = tenant.GetProperty("admin").GetProperty("id").GetGuid();
        using var admin = Client(handler, address, tenant.GetProperty("apiKey").GetString()!);
        // Read as a plain user (not an admin), so every GET evaluates the visibility predicate.
        var reader = await (await admin.PostAsJsonAsync("/api/users", new { name = "Bench Reader", email = "reader@bench.example.com" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var readerKey = reader.GetProperty("apiKey").GetString()!;
        using var client = Client(handler, address, readerKey);

        var seed = Stopwatch.StartNew();
        var ids = await SeedAsync(api.Services.GetRequiredService<IEventStore>(), tenantId, adminId, contactCount);
        await WaitAsync(async () => (await client.GetAsync($"/api/contacts/{ids[^1]}")).IsSuccessStatusCode &&
                                    (await client.GetAsync($"/api/contacts/{ids[0]}")).IsSuccessStatusCode, "the contacts projection");
        // Every projection (audit and dashboard too) must be idle, or the run measures the projector catching up.
        await WaitAsync(async () =>
        {
            var status = await operatorClient.GetFromJsonAsync<JsonElement>("/api/ops/status");
            return status.GetProperty("projections").EnumerateArray().All(p => p.GetProperty("lag").GetInt64() == 0);
        }, "every projection to catch up");
        Console.WriteLine($"seeded and projected {contactCount} contacts in {seed.Elapsed.TotalSeconds:F1} s");

        var paths = ids.Select(id => $"/api/contacts/{id}").ToArray();
        await WarmUpAsync("API", () => RawHttpLoad.DriveAsync(address, readerKey, paths, concurrency, TimeSpan.FromSeconds(warmup)));
        var run = await RawHttpLoad.DriveAsync(address, readerKey, paths, concurrency, TimeSpan.FromSeconds(seconds));
        var rps = run.Ok / run.Elapsed.TotalSeconds;
        var (p50, p95, p99, max) = (Percentile(run.Latencies, 0.50), Percentile(run.Latencies, 0.95), Percentile(run.Latencies, 0.99), run.Latencies[^1]);

        // Baseline, same run and load generator: a bare Kestrel endpoint answering the same JSON body with no
        // authentication, visibility or database: the ceiling of the HTTP stack on this machine.
        var body = await client.GetStringAsync($"/api/contacts/{ids[0]}");
        await using var bare = await StartBareServerAsync(body);
        var bareAddress = new Uri(bare.Urls.First());
        await WarmUpAsync("baseline", () => RawHttpLoad.DriveAsync(bareAddress, null, paths, concurrency, TimeSpan.FromSeconds(warmup)));
        var baseline = await RawHttpLoad.DriveAsync(bareAddress, null, paths, concurrency, TimeSpan.FromSeconds(seconds));
        var baseRps = baseline.Ok / baseline.Elapsed.TotalSeconds;
        var baseP99 = Percentile(baseline.Latencies, 0.99);

        Console.WriteLine();
        Console.WriteLine($"{"measurement",-40} {"req/s",10} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8} {"errors",7}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"GET /api/contacts/{id}",-40} {rps,10:F0} {p50,8:F2} {p95,8:F2} {p99,8:F2} {max,8:F2} {run.Errors,7}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"baseline: bare Kestrel, same body",-40} {baseRps,10:F0} {Percentile(baseline.Latencies, 0.50),8:F2} {Percentile(baseline.Latencies, 0.95),8:F2} {baseP99,8:F2} {baseline.Latencies[^1],8:F2} {baseline.Errors,7}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"API / baseline: {rps / baseRps:P0} of the bare HTTP stack's requests/s"));
        Console.WriteLine();
        Console.WriteLine($"target: >= 5000 req/s with p99 < 20 ms -> {(rps >= 5000 && p99 < 20 ? "met" : "NOT met")}; total run {total.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine("BENCH_JSON " + JsonSerializer.Serialize(new
        {
            benchmark = "api",
            endpoint = "GET /api/contacts/{id}",
            postgres = server.Transport,
            contacts = contactCount,
            concurrency,
            seconds,
            requests = run.Ok,
            errors = run.Errors,
            requestsPerSecond = Math.Round(rps),
            p50Ms = Math.Round(p50, 2), p95Ms = Math.Round(p95, 2), p99Ms = Math.Round(p99, 2), maxMs = Math.Round(max, 2),
            baselineRequestsPerSecond = Math.Round(baseRps),
            baselineP99Ms = Math.Round(baseP99, 2),
            ratioToBaseline = Math.Round(rps / baseRps, 3),
        }));
        await api.StopAsync();
        await projector.StopAsync();
        return run.Errors == 0 ? 0 : 1;
    }

    private static async Task<WebApplication> StartBareServerAsync(string body)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/api/contacts/{id}", (string id) => Results.Text(body, "application/json"));
        await app.StartAsync();
        return app;
    }

    private static void Configure(WebApplicationBuilder builder, string cs, string operatorKey)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:events"] = cs,
            ["ContactSync:OperatorKey"] = operatorKey,
            ["ContactSync:Sync:Enabled"] = "false",
            ["ContactSync:Api:RateLimitBurst"] = "1000000000",
            ["ContactSync:Api:RateLimitPerSecond"] = "1000000000",
            ["Logging:LogLevel:Default"] = "Warning",
            // The benchmark connects no account: the providers point at an address nothing listens on.
            ["Providers:SandboxUri"] = "http://127.0.0.1:9/",
            ["ContactSync:GrantKeys:Current"] = "bench",
            ["ContactSync:GrantKeys:Keys:bench"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
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
                var fields = new ContactFields
                {
                    Name = new PersonName($"Given{i}", null, $"Family{i}"),
                    Emails = [new EmailAddress($"person{i}@bench.example.com", "work")],
                    Phones = [new PhoneNumber($"+1 555 {i:D7}", "mobile", $"+1555{i:D7}")],
                    Company = $"Company {i % 100}", JobTitle = "Engineer", Notes = "Seeded for the API benchmark.",
                };
                var created = new ContactEvent.ContactCreated(tenantId, ids[i], fields, ["bench", $"group{i % 10}"], ownerId, [],
                    ContactVisibility.Company, actor, DateTimeOffset.UtcNow);
                var (type, data) = DomainJson.Serialize(created);
                await store.AppendToStreamAsync(new StreamName(StreamNames.Contact(ids[i])), ExpectedRevision.NoStream,
                    [new EventData(Guid.CreateVersion7(), type, data)]);
            }
        }));
        return ids;
    }

    /// <summary>
    /// Warm-up rounds until the rate stops rising (two rounds in a row no more than 5% above the best before; at most
    /// 20 rounds): the first seconds of a fresh process run tier-0 code and fill caches while the JIT competes for the
    /// same two cores, and a fixed warm-up sometimes ended before that was over (a first measured round at half the
    /// steady rate).
    /// </summary>
    private static async Task WarmUpAsync(string what, Func<Task<RawHttpLoad.Run>> round)
    {
        var best = 0.0;
        var flat = 0;
        var rates = new List<string>();
        for (var i = 0; i < 20 && flat < 2; i++)
        {
            var r = await round();
            var rate = r.Ok / r.Elapsed.TotalSeconds;
            rates.Add(rate.ToString("F0", CultureInfo.InvariantCulture));
            if (r.Errors > 0) throw new InvalidOperationException($"{r.Errors} failed requests while warming up the {what}.");
            flat = rate > best * 1.05 ? 0 : flat + 1;
            best = Math.Max(best, rate);
        }
        Console.WriteLine($"warm-up of the {what} (req/s per round): {string.Join(", ", rates)}");
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static HttpClient Client(HttpMessageHandler handler, Uri address, string key)
    {
        var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }

    private static double Option(string[] args, string name, double fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
