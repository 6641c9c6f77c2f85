using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.Providers;
using ContactSync.Sync.Tests.Support;
using Xunit.Abstractions;

namespace ContactSync.Sync.Tests;

/// <summary>Rule 13 with Outlook: Graph's change notifications wake the connection, so an Outlook edit reaches the CRM
/// in about a second while polling is half an hour away; and the webhook refuses what Graph did not send.</summary>
[Collection(NotificationsCollection.Name)]
public sealed class NotificationTests(NotificationsFixture system, ITestOutputHelper output)
{
    [Fact]
    public async Task An_Outlook_edit_reaches_the_CRM_within_seconds_through_a_change_notification()
    {
        var crm = await system.NewTenantAsync();
        var email = SyncFixture.Email();
        var outlook = await system.AtProviderAsync("microsoft", email);
        var folder = await outlook.EnsureGroupAsync("Notified", CancellationToken.None);
        var created = await outlook.CreateAsync(folder.Id, [.. Enumerable.Range(0, 3).Select(i => new NewProviderContact(
            Guid.NewGuid().ToString(), new ContactFields { Name = new PersonName($"Ola{i}", Family: "Nowak"), Emails = [new EmailAddress($"ola{i}-{Guid.NewGuid():N}@contoso.test")] }))],
            CancellationToken.None);
        var account = await system.ConnectAccountAsync(crm, "microsoft", email);
        var connection = await crm.NewConnectionAsync(new { accountId = account, scope = "owned", group = new { id = folder.Id } });
        await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection);
        // The first run subscribed to the folder (the sandbox checked the webhook's handshake before it said yes).
        await Eventually.TrueAsync(async () => await SubscriptionsCreatedAsync() > 0, "a change-notification subscription");

        var edited = await outlook.GetAsync([created[1].Id!], CancellationToken.None);
        var watch = Stopwatch.StartNew();
        var result = await outlook.UpdateAsync([new ProviderContactUpdate(edited[0].Id, edited[0].Fields with { JobTitle = "Notified in Outlook" }, edited[0].ETag)],
            CancellationToken.None);
        Assert.True(result[0].Succeeded);
        await Eventually.TrueAsync(async () => await JobTitlesAsync(crm) is var titles && titles.Contains("Notified in Outlook"),
            "the Outlook edit in the CRM", TimeSpan.FromSeconds(10));
        output.WriteLine($"Outlook edit reached the CRM in {watch.ElapsedMilliseconds} ms (polling every 30 minutes)");

        var dashboard = await SyncFixture.Read(await crm.Api.GetAsync($"/api/connections/{connection}/dashboard"), HttpStatusCode.OK);
        Assert.Contains(dashboard.GetProperty("runs").EnumerateArray(), r => r.GetProperty("kind").GetString() == "notified");
    }

    [Fact]
    public async Task Disconnecting_an_Outlook_connection_ends_its_change_notifications_at_the_provider()
    {
        var crm = await system.NewTenantAsync();
        var email = SyncFixture.Email();
        var outlook = await system.AtProviderAsync("microsoft", email);
        var folder = await outlook.EnsureGroupAsync("Retired", CancellationToken.None);
        var account = await system.ConnectAccountAsync(crm, "microsoft", email);
        var connection = await crm.NewConnectionAsync(new { accountId = account, scope = "owned", group = new { id = folder.Id } });
        await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection);
        var sync = StreamNames.ConnectionSync(connection);
        await Eventually.TrueAsync(async () => await system.EventCountAsync(sync, "NotificationsSubscribed") > 0, "a change-notification subscription");
        var deletedBefore = await SandboxCountAsync("DELETE /v1.0/subscriptions/{id}", 204);

        using (var res = await crm.Api.DeleteAsync($"/api/connections/{connection}")) Assert.Equal(HttpStatusCode.NoContent, res.StatusCode);

        // The Projector stops the worker and, still holding the connection's lock, deletes the subscription at Graph
        // through the real client: Outlook stops calling for a connection that no longer syncs.
        await Eventually.TrueAsync(async () => await system.EventCountAsync(sync, "NotificationsEnded") == 1, "the subscription ended");
        Assert.Equal(deletedBefore + 1, await SandboxCountAsync("DELETE /v1.0/subscriptions/{id}", 204));
    }

    [Fact]
    public async Task The_webhook_echoes_the_validation_token_and_refuses_a_forged_or_malformed_notification_without_recording_it()
    {
        using var handshake = await system.Anonymous.PostAsync("/api/webhooks/microsoft?validationToken=" + Uri.EscapeDataString("Validation: token <b>1</b>"),
            new StringContent("", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
        Assert.Equal("text/plain", handshake.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Validation: token <b>1</b>", await handshake.Content.ReadAsStringAsync());

        var crm = await system.NewTenantAsync();
        var account = await system.ConnectAccountAsync(crm, "microsoft", SyncFixture.Email());
        var connection = await crm.NewConnectionAsync(new { accountId = account, scope = "owned", group = new { name = "Webhook " + Guid.NewGuid().ToString("N")[..6] } });
        var inbox = StreamNames.ConnectionInbox(connection);
        var genuine = system.ClientStateFor(connection);
        var forged = genuine[..^4] + (genuine.EndsWith("AAAA") ? "BBBB" : "AAAA");
        var otherConnection = system.ClientStateFor(Guid.NewGuid());

        foreach (var state in new[] { forged, $"{connection:N}.k2.{genuine.Split('.')[2]}", "", otherConnection[..32] + genuine[32..] })
        {
            using var res = await Notify(new { value = new[] { new { subscriptionId = "s1", clientState = state, changeType = "updated" } } });
            await SyncFixture.Read(res, HttpStatusCode.Unauthorized);
        }
        // One forged item spoils the whole body: nothing of it is acted on.
        using (var mixed = await Notify(new { value = new object[] { new { subscriptionId = "s1", clientState = genuine }, new { subscriptionId = "s1", clientState = forged } } }))
            await SyncFixture.Read(mixed, HttpStatusCode.Unauthorized);
        foreach (var body in new[] { "not json", "{\"value\": 3}", "[]", "{}", new string('[', 100) })
        {
            using var res = await system.Anonymous.PostAsync("/api/webhooks/microsoft", new StringContent(body, Encoding.UTF8, "application/json"));
            await SyncFixture.Read(res, HttpStatusCode.BadRequest);
        }
        Assert.Equal(0, await system.StreamLengthAsync(inbox));

        // A genuine burst is recorded once at once and once more for the rest of its second, never per notification.
        var burst = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            using var res = await Notify(new { value = new[] { new { subscriptionId = "s1", clientState = genuine, changeType = "updated" } } });
            Assert.Equal(HttpStatusCode.Accepted, res.StatusCode);
        }
        var took = burst.Elapsed;
        await Eventually.TrueAsync(async () => await system.StreamLengthAsync(inbox) >= 2, "the burst's trailing inbox event", TimeSpan.FromSeconds(5));
        Assert.InRange(await system.StreamLengthAsync(inbox), 2, 2 + (int)took.TotalSeconds);   // one per second at most, plus the trailing one
    }

    private Task<HttpResponseMessage> Notify(object body) => system.Anonymous.PostAsJsonAsync("/api/webhooks/microsoft", body);

    private Task<int> SubscriptionsCreatedAsync() => SandboxCountAsync("POST /v1.0/subscriptions", 201);

    /// <summary>How many requests to an endpoint the sandbox answered with a status, from its request statistics.</summary>
    private async Task<int> SandboxCountAsync(string endpoint, int status)
    {
        var stats = await SyncFixture.Read(await system.Sandbox.GetAsync("_sandbox/stats"), HttpStatusCode.OK);
        return stats.GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("endpoint").GetString() == endpoint && i.GetProperty("status").GetInt32() == status)
            .Sum(i => i.GetProperty("count").GetInt32());
    }

    private static async Task<List<string?>> JobTitlesAsync(CrmUser crm)
    {
        var page = await SyncFixture.Read(await crm.Api.GetAsync("/api/contacts?q=Nowak&limit=50"), HttpStatusCode.OK);
        return [.. page.GetProperty("items").EnumerateArray().Select(c => c.TryGetProperty("jobTitle", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null)];
    }
}
