using System.Text.Json.Nodes;

namespace ContactSync.Sandbox.Tests.Graph;

/// <summary>Fault injection is per sandbox, so these tests have a sandbox of their own.</summary>
public sealed class GraphFaultTests(GraphSandboxFixture sandbox) : IClassFixture<GraphSandboxFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => sandbox.SetFaultsAsync(new { provider = "microsoft", status429Rate = 0.0, status5xxRate = 0.0, resetRate = 0.0, latencyMs = 0, retryAfterSeconds = 1 });

    [Fact]
    public async Task Throttling_and_server_faults_use_the_graph_error_format_with_retry_after()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        await sandbox.SetFaultsAsync(new { provider = "microsoft", status429Rate = 1.0, retryAfterSeconds = 2 });
        using var throttled = await mailbox.SendAsync(HttpMethod.Get, "/me/contacts");
        Assert.Equal("2", throttled.Headers.GetValues("Retry-After").Single());
        var text = await throttled.Content.ReadAsStringAsync();
        await GraphAssert.ErrorAsync(throttled, 429, "ApplicationThrottled");
        Assert.Contains("Application is over its MailboxConcurrency limit.", text);

        await sandbox.SetFaultsAsync(new { provider = "microsoft", status429Rate = 0.0, status5xxRate = 1.0 });
        var seen = new HashSet<int>();
        for (var i = 0; i < 40 && seen.Count < 2; i++)
        {
            using var failed = await mailbox.SendAsync(HttpMethod.Get, "/me/contacts");
            seen.Add((int)failed.StatusCode);
            var code = JsonNode.Parse(await failed.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>();
            Assert.Equal((int)failed.StatusCode == 503 ? "serviceNotAvailable" : "generalException", code);
            if ((int)failed.StatusCode == 503) Assert.True(failed.Headers.Contains("Retry-After"));
        }
        Assert.Equal([500, 503], seen.Order());
    }

    [Fact]
    public async Task Batch_items_are_throttled_one_by_one()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        await sandbox.SetFaultsAsync(new { provider = "microsoft", status429Rate = 0.5, retryAfterSeconds = 1 });
        var requests = Enumerable.Range(1, 20).Select(i => new { id = $"{i}", method = "GET", url = "/me/contacts" }).ToArray();
        JsonObject? batch = null;
        for (var attempt = 0; attempt < 50 && batch is null; attempt++)
        {
            using var response = await mailbox.SendAsync(HttpMethod.Post, "/$batch", new { requests });
            if ((int)response.StatusCode == 200) batch = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        }
        Assert.NotNull(batch);
        var statuses = batch["responses"]!.AsArray().Select(r => r!["status"]!.GetValue<int>()).ToList();
        Assert.Contains(429, statuses);
        Assert.Contains(200, statuses);
        var throttled = batch["responses"]!.AsArray().First(r => r!["status"]!.GetValue<int>() == 429)!;
        Assert.Equal("1", throttled["headers"]!["Retry-After"]!.GetValue<string>());

        var stats = JsonNode.Parse(await sandbox.Http.GetStringAsync("_sandbox/stats"))!["items"]!.AsArray();
        long Counted(int status) => stats.Where(i => i!["provider"]!.GetValue<string>() == "microsoft" &&
                i["endpoint"]!.GetValue<string>() == "$batch item GET" && i["status"]!.GetValue<int>() == status)
            .Sum(i => i!["count"]!.GetValue<long>());
        Assert.True(Counted(429) >= statuses.Count(s => s == 429), "throttled batch items are not in the stats");
        Assert.True(Counted(200) >= statuses.Count(s => s == 200), "successful batch items are not in the stats");
    }

    [Fact]
    public async Task More_than_four_concurrent_requests_of_one_mailbox_get_429_while_others_are_unaffected()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        receiver.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mailbox = await sandbox.NewMailboxAsync();
        var other = await sandbox.NewMailboxAsync();
        object Sub() => new
        {
            changeType = "created", notificationUrl = receiver.Url, resource = "me/contacts",
            expirationDateTime = DateTimeOffset.UtcNow.AddHours(1).ToString("o"),
        };
        // Subscription creation waits on the receiver's handshake, which the gate holds: requests stay in flight.
        var held = Enumerable.Range(0, 6).Select(_ => mailbox.SendAsync(HttpMethod.Post, "/subscriptions", Sub())).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (receiver.ValidationTokens.Count < 4 && DateTime.UtcNow < deadline) await Task.Delay(10);
        while (held.Count(t => t.IsCompleted) < 2 && DateTime.UtcNow < deadline) await Task.Delay(10);

        using (var unaffected = await other.SendAsync(HttpMethod.Get, "/me/contacts")) Assert.Equal(200, (int)unaffected.StatusCode);
        receiver.Gate.SetResult();
        var responses = await Task.WhenAll(held);
        Assert.Equal(4, responses.Count(r => (int)r.StatusCode == 201));
        var rejected = responses.Where(r => (int)r.StatusCode == 429).ToList();
        Assert.Equal(2, rejected.Count);
        foreach (var r in rejected) await GraphAssert.ErrorAsync(r, 429, "ApplicationThrottled");
        Assert.All(rejected, r => Assert.True(r.Headers.Contains("Retry-After")));
    }

    [Fact]
    public async Task Requests_are_counted_per_endpoint_and_status()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        await mailbox.CreateContactAsync(new { givenName = "Counted" });
        var stats = await sandbox.Http.GetStringAsync("_sandbox/stats");
        var items = JsonNode.Parse(stats)!["items"]!.AsArray();
        Assert.Contains(items, i => i!["provider"]!.GetValue<string>() == "microsoft" &&
                                    i["endpoint"]!.GetValue<string>() == "POST /v1.0/{user}/contacts" && i["status"]!.GetValue<int>() == 201);
    }
}
