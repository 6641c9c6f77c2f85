using System.Net;
using System.Text.Json.Nodes;

namespace ContactSync.Sandbox.Tests.Graph;

public sealed class GraphSubscriptionTests(GraphSandboxFixture sandbox) : IClassFixture<GraphSandboxFixture>
{
    private static object Subscription(string url, string resource, string clientState = "secret-state", int minutes = 60) => new
    {
        changeType = "created,updated,deleted", notificationUrl = url, resource, clientState,
        expirationDateTime = DateTimeOffset.UtcNow.AddMinutes(minutes).ToString("o"),
    };

    [Fact]
    public async Task Subscription_is_created_after_the_handshake_and_changes_are_notified_with_client_state()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = await sandbox.NewMailboxAsync();
        var created = await mailbox.JsonAsync(HttpMethod.Post, "/subscriptions", Subscription(receiver.Url, "me/contacts"), 201);
        var subscriptionId = created["id"]!.GetValue<string>();
        Assert.StartsWith("Validation: ", Assert.Single(receiver.ValidationTokens));

        var id = (await mailbox.CreateContactAsync(new { givenName = "Hooked" }))["id"]!.GetValue<string>();
        await mailbox.JsonAsync(HttpMethod.Patch, $"/me/contacts/{id}", new { jobTitle = "Hooked" });
        await mailbox.SendAsync(HttpMethod.Delete, $"/me/contacts/{id}");

        var mine = await receiver.WaitForAsync(n => n["subscriptionId"]!.GetValue<string>() == subscriptionId, 3, TimeSpan.FromSeconds(10));
        Assert.Equal(["created", "deleted", "updated"], mine.Select(n => n["changeType"]!.GetValue<string>()).Order());
        Assert.All(mine, n =>
        {
            Assert.Equal("secret-state", n["clientState"]!.GetValue<string>());
            Assert.EndsWith($"/Contacts/{id}", n["resource"]!.GetValue<string>());
            Assert.Equal(id, n["resourceData"]!["id"]!.GetValue<string>());
            Assert.Equal("#Microsoft.Graph.Contact", n["resourceData"]!["@odata.type"]!.GetValue<string>());
            Assert.NotNull(n["tenantId"]);
        });
    }

    [Fact]
    public async Task Folder_subscription_only_hears_about_its_folder_and_renew_and_delete_work()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = await sandbox.NewMailboxAsync();
        var folder = await mailbox.CreateFolderAsync();
        var sub = await mailbox.JsonAsync(HttpMethod.Post, "/subscriptions", Subscription(receiver.Url, $"me/contactFolders/{folder}/contacts"), 201);
        var subId = sub["id"]!.GetValue<string>();

        await mailbox.CreateContactAsync(new { givenName = "Outside" });
        var inside = (await mailbox.CreateContactAsync(new { givenName = "Inside" }, folder))["id"]!.GetValue<string>();
        var hit = Assert.Single(await receiver.WaitForAsync(n => n["subscriptionId"]!.GetValue<string>() == subId, 1, TimeSpan.FromSeconds(10)));
        Assert.Equal(inside, hit["resourceData"]!["id"]!.GetValue<string>());

        var renewedTo = DateTimeOffset.UtcNow.AddMinutes(120);
        var renewed = await mailbox.JsonAsync(HttpMethod.Patch, $"/subscriptions/{subId}", new { expirationDateTime = renewedTo.ToString("o") });
        Assert.Equal(renewedTo.UtcDateTime, DateTimeOffset.Parse(renewed["expirationDateTime"]!.GetValue<string>()).UtcDateTime, TimeSpan.FromSeconds(1));
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Patch, $"/subscriptions/{subId}",
            new { expirationDateTime = DateTimeOffset.UtcNow.AddDays(30).ToString("o") }), 400, "ValidationError");

        Assert.Equal(HttpStatusCode.NoContent, (await mailbox.SendAsync(HttpMethod.Delete, $"/subscriptions/{subId}")).StatusCode);
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Get, $"/subscriptions/{subId}"), 404, "ResourceNotFound");
    }

    [Fact]
    public async Task An_endpoint_that_does_not_echo_the_token_gets_no_subscription()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        receiver.EchoValidation = false;
        var mailbox = await sandbox.NewMailboxAsync();
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Post, "/subscriptions", Subscription(receiver.Url, "me/contacts")), 400, "ValidationError");
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Post, "/subscriptions",
            Subscription("http://127.0.0.1:9/unreachable", "me/contacts")), 400, "ValidationError");
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Post, "/subscriptions",
            Subscription(receiver.Url, "me/contacts", minutes: 10_000)), 400, "ValidationError");
        await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Post, "/subscriptions",
            Subscription(receiver.Url, "me/messages")), 400, "ExtensionError");
    }
}
