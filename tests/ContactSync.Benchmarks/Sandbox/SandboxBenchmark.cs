using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ContactSync.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace ContactSync.Benchmarks.Sandbox;

/// <summary>
/// Throughput of the Google emulator over real HTTP on loopback: connections.list (pageSize 100 over an
/// account of 1,000 contacts) and contact writes (createContact then updateContact with the returned etag).
/// Options: <c>--duration=SECONDS</c> (default 5), <c>--concurrency=N</c> (default 32), <c>--accounts=N</c>
/// for the write test (default 8; Google wants one user's mutations sequential, so writers spread over accounts).
/// </summary>
public static class SandboxBenchmark
{
    private const int ListTarget = 5_000;
    private const int WriteTarget = 2_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var duration = TimeSpan.FromSeconds(Option(args, "duration", 5));
        var concurrency = Option(args, "concurrency", 32);
        var accounts = Option(args, "accounts", 8);

        // The load generator shares the process with the sandbox; its own HttpClient tracing would be measured too.
        AppContext.SetSwitch("System.Net.Http.EnableActivityPropagation", false);
        var app = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--environment", "Production"], b =>
            b.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        try
        {
            var baseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var http = new HttpClient(handler, disposeHandler: false) { BaseAddress = baseAddress };

            // The response size decides list throughput; a light mask and a typical sync mask are both measured.
            var masks = args.FirstOrDefault(a => a.StartsWith("--fields=", StringComparison.Ordinal)) is { } fieldsArg
                ? [fieldsArg["--fields=".Length..]]
                : new[] { "names", "names,emailAddresses,phoneNumbers" };
            var lists = new List<Result>();
            foreach (var mask in masks) lists.Add(await ListBenchmarkAsync(http, concurrency, duration, mask));
            var list = lists[0];
            var writes = await WriteBenchmarkAsync(http, concurrency, accounts, duration);

            Console.WriteLine();
            Console.WriteLine($"{"scenario",-40} {"conc",5} {"requests",9} {"errors",7} {"req/s",9} {"p50 ms",7} {"p99 ms",7} {"target",7}");
            foreach (var r in lists.Append(writes))
                Console.WriteLine($"{r.Name,-40} {r.Concurrency,5} {r.Requests,9} {r.Errors,7} {r.PerSecond,9:F0} {r.P50,7:F2} {r.P99,7:F2} {r.Target,7}");
            Console.WriteLine($"{Environment.ProcessorCount} logical cores, {duration.TotalSeconds:F0} s per scenario, "
                + (IsRelease ? "Release build" : "DEBUG BUILD: run with -c Release for real figures"));
            Console.WriteLine("BENCH_JSON " + JsonSerializer.Serialize(new
            {
                benchmark = "sandbox-google",
                release = IsRelease,
                cores = Environment.ProcessorCount,
                durationSeconds = duration.TotalSeconds,
                list = lists.Select(l => new { name = l.Name, requestsPerSecond = Math.Round(l.PerSecond), bytesPerResponse = l.Bytes, p99Ms = Math.Round(l.P99, 2) }),
                listRequestsPerSecond = Math.Round(list.PerSecond),
                writesPerSecond = Math.Round(writes.PerSecond),
                writeP99Ms = Math.Round(writes.P99, 2),
                errors = lists.Sum(l => l.Errors) + writes.Errors,
                listTargetMet = list.PerSecond >= ListTarget,
                writeTargetMet = writes.PerSecond >= WriteTarget,
            }));
            return lists.Sum(l => l.Errors) + writes.Errors == 0 ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<Result> ListBenchmarkAsync(HttpClient http, int concurrency, TimeSpan duration, string fields)
    {
        var token = await NewAccountAsync(http);
        for (var batch = 0; batch < 5; batch++)
        {
            var body = new { contacts = Enumerable.Range(0, 200).Select(i => new { contactPerson = Person($"Seed{batch * 200 + i}") }) };
            (await SendAsync(http, token, HttpMethod.Post, "v1/people:batchCreateContacts", JsonSerializer.Serialize(body))).EnsureSuccessStatusCode();
        }
        // The ten pages of the account, so that every request reads a full page of 100 contacts.
        var query = $"v1/people/me/connections?personFields={fields}&pageSize=100";
        var pages = new List<string> { query };
        var bytes = 0;
        while (true)
        {
            using var response = await SendAsync(http, token, HttpMethod.Get, pages[^1]);
            var json = await response.Content.ReadAsByteArrayAsync();
            bytes = Math.Max(bytes, json.Length);
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("nextPageToken", out var next)) break;
            pages.Add(query + "&pageToken=" + next.GetString());
        }

        var result = await MeasureAsync($"list {fields}", ListTarget, concurrency, duration, async (worker, n) =>
        {
            using var response = await SendAsync(http, token, HttpMethod.Get, pages[(worker + n) % pages.Count]);
            await response.Content.CopyToAsync(Stream.Null);
            return response.IsSuccessStatusCode;
        });
        return result with { Bytes = bytes };
    }

    private static async Task<Result> WriteBenchmarkAsync(HttpClient http, int concurrency, int accounts, TimeSpan duration)
    {
        var tokens = new string[accounts];
        for (var i = 0; i < accounts; i++) tokens[i] = await NewAccountAsync(http);
        var state = new (string? Name, string? Etag)[concurrency];

        // Each writer alternates: create a contact, then update it with the etag the create returned.
        return await MeasureAsync("createContact+updateContact", WriteTarget, concurrency, duration, async (worker, n) =>
        {
            var token = tokens[worker % accounts];
            var (name, etag) = state[worker];
            using var response = name is null
                ? await SendAsync(http, token, HttpMethod.Post, "v1/people:createContact?personFields=metadata", JsonSerializer.Serialize(Person($"W{worker}-{n}")))
                : await SendAsync(http, token, HttpMethod.Patch, $"v1/{name}:updateContact?updatePersonFields=names,emailAddresses,phoneNumbers&personFields=metadata",
                    JsonSerializer.Serialize(new { etag, names = new[] { new { givenName = $"Updated{n}", familyName = "Bench" } },
                        emailAddresses = new[] { new { value = $"u{n}@example.com", type = "work" } }, phoneNumbers = new[] { new { value = "+1 202 555 0143" } } }));
            if (!response.IsSuccessStatusCode) return false;
            using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
            state[worker] = name is null
                ? (document.RootElement.GetProperty("resourceName").GetString(), document.RootElement.GetProperty("etag").GetString())
                : (null, null);
            return true;
        });
    }

    private static async Task<Result> MeasureAsync(string name, int target, int concurrency, TimeSpan duration, Func<int, int, Task<bool>> request)
    {
        // A short warm-up (JIT, connection pool), then the measured window.
        await RunWorkersAsync(concurrency, TimeSpan.FromSeconds(1), request, null);
        var latencies = new List<double>[concurrency];
        for (var i = 0; i < concurrency; i++) latencies[i] = new List<double>(100_000);
        var watch = Stopwatch.StartNew();
        var errors = await RunWorkersAsync(concurrency, duration, request, latencies);
        var elapsed = watch.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(name, target, concurrency, all.Length, errors, all.Length / elapsed,
            all.Length == 0 ? 0 : all[all.Length / 2], all.Length == 0 ? 0 : all[(int)(all.Length * 0.99)]);
    }

    private static async Task<int> RunWorkersAsync(int concurrency, TimeSpan duration, Func<int, int, Task<bool>> request, List<double>[]? latencies)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var errors = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            for (var n = 0; Stopwatch.GetTimestamp() < end; n++)
            {
                var start = Stopwatch.GetTimestamp();
                if (!await request(worker, n)) Interlocked.Increment(ref errors);
                latencies?[worker].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })));
        return errors;
    }

    private static async Task<string> NewAccountAsync(HttpClient http)
    {
        using var response = await http.PostAsJsonAsync("_sandbox/google/accounts", new { email = $"bench-{Guid.NewGuid():N}@example.com" });
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("accessToken").GetString()!;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string token, HttpMethod method, string path, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return http.SendAsync(request);
    }

    private static object Person(string given) => new
    {
        names = new[] { new { givenName = given, familyName = "Bench" } },
        emailAddresses = new[] { new { value = $"{given.ToLowerInvariant()}@example.com", type = "work" } },
        phoneNumbers = new[] { new { value = "+1 202 555 0143", type = "mobile" } },
        organizations = new[] { new { name = "Example Ltd", title = "Engineer" } },
    };

    private static int Option(string[] args, string name, int fallback) =>
        args.FirstOrDefault(a => a.StartsWith($"--{name}=", StringComparison.Ordinal)) is { } arg &&
        int.TryParse(arg[(name.Length + 3)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;

#if DEBUG
    private const bool IsRelease = false;
#else
    private const bool IsRelease = true;
#endif

    private sealed record Result(string Name, int Target, int Concurrency, int Requests, int Errors, double PerSecond, double P50, double P99)
    {
        public int Bytes { get; init; }
    }
}
