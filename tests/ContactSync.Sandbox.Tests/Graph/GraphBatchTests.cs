using System.Text.Json.Nodes;

namespace ContactSync.Sandbox.Tests.Graph;

public sealed class GraphBatchTests(GraphSandboxFixture sandbox) : IClassFixture<GraphSandboxFixture>
{
    private static JsonObject Item(JsonObject batch, string id) =>
        batch["responses"]!.AsArray().Select(r => r!.AsObject()).Single(r => r["id"]!.GetValue<string>() == id);

    [Fact]
    public async Task Batch_runs_items_with_their_own_statuses_and_dependents_of_a_failure_get_424()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        var existing = (await mailbox.CreateContactAsync(new { givenName = "Existing" }))["id"]!.GetValue<string>();
        var json = $$"""
        { "requests": [
          { "id": "1", "method": "POST", "url": "/me/contacts", "headers": { "Content-Type": "application/json" }, "body": { "givenName": "Batched" } },
          { "id": "2", "method": "GET", "url": "/me/contacts/{{existing}}" },
          { "id": "3", "method": "GET", "url": "/me/contacts/does-not-exist" },
          { "id": "4", "method": "PATCH", "url": "/me/contacts/{{existing}}", "dependsOn": ["3"], "headers": { "Content-Type": "application/json" }, "body": { "jobTitle": "Never" } },
          { "id": "5", "method": "DELETE", "url": "me/contacts/{{existing}}", "dependsOn": ["2"] }
        ] }
        """;
        var batch = await mailbox.JsonAsync(HttpMethod.Post, "/$batch", json);
        Assert.Equal(201, Item(batch, "1")["status"]!.GetValue<int>());
        Assert.Equal("Batched", Item(batch, "1")["body"]!["givenName"]!.GetValue<string>());
        Assert.Equal(200, Item(batch, "2")["status"]!.GetValue<int>());
        Assert.Equal(404, Item(batch, "3")["status"]!.GetValue<int>());
        Assert.Equal("ErrorItemNotFound", Item(batch, "3")["body"]!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(424, Item(batch, "4")["status"]!.GetValue<int>());
        Assert.Equal(204, Item(batch, "5")["status"]!.GetValue<int>());
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Get, $"/me/contacts/{existing}"), 404, "ErrorItemNotFound");
    }

    [Fact]
    public async Task Batch_accepts_twenty_requests_and_rejects_more_duplicate_ids_and_bodies_without_content_type()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        object Get(int i) => new { id = $"{i}", method = "GET", url = "/me/contacts" };
        var twenty = await mailbox.JsonAsync(HttpMethod.Post, "/$batch", new { requests = Enumerable.Range(1, 20).Select(Get) });
        Assert.Equal(20, twenty["responses"]!.AsArray().Count);

        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Post, "/$batch", new { requests = Enumerable.Range(1, 21).Select(Get) }), 400, "BadRequest");
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Post, "/$batch", new { requests = new[] { Get(1), Get(1) } }), 400, "BadRequest");
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Post, "/$batch",
            new { requests = new[] { new { id = "1", method = "POST", url = "/me/contacts", body = new { givenName = "x" } } } }), 400, "BadRequest");
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Post, "/$batch",
            new { requests = new[] { new { id = "1", method = "GET", url = "/me/contacts", dependsOn = new[] { "9" } } } }), 400, "BadRequest");
        Assert.Empty((await mailbox.GetAsync("/me/contacts"))["value"]!.AsArray());
    }

    [Fact]
    public async Task Batch_items_use_the_same_rules_as_direct_calls()
    {
        var mailbox = await sandbox.NewMailboxAsync();
        var created = await mailbox.CreateContactAsync(new { givenName = "Etag" });
        var id = created["id"]!.GetValue<string>();
        var batch = await mailbox.JsonAsync(HttpMethod.Post, "/$batch", new
        {
            requests = new object[]
            {
                new { id = "caps", method = "POST", url = "/me/contacts", headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" },
                      body = new { businessPhones = new[] { "1", "2", "3" } } },
                new { id = "stale", method = "PATCH", url = $"/me/contacts/{id}",
                      headers = new Dictionary<string, string> { ["Content-Type"] = "application/json", ["If-Match"] = "W/\"old\"" }, body = new { jobTitle = "x" } },
                new { id = "delta", method = "GET", url = "/me/contacts/delta()" },
            },
        });
        Assert.Equal(400, Item(batch, "caps")["status"]!.GetValue<int>());
        Assert.Equal(412, Item(batch, "stale")["status"]!.GetValue<int>());
        Assert.Equal("ErrorIrresolvableConflict", Item(batch, "stale")["body"]!["error"]!["code"]!.GetValue<string>());
        Assert.StartsWith(sandbox.GraphRoot + "/me/contacts/delta?$deltatoken=", Item(batch, "delta")["body"]!["@odata.deltaLink"]!.GetValue<string>());
    }
}
