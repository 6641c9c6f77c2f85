using System.Net;
using System.Text.RegularExpressions;
using ContactSync.Ops.Tests.Support;
using ContactSync.Sync.Tests.Support;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace ContactSync.Ops.Tests;

/// <summary>The /ops page in a real Chromium against the real hosts, the sync engine on.</summary>
[Collection(OpsCollection.Name)]
public sealed class OpsPageTests(OpsFixture ops)
{
    private SyncFixture System => ops.System;

    [Fact]
    public async Task The_page_loads_under_a_strict_policy_with_no_console_error_and_no_failed_request()
    {
        var page = await ops.NewPageAsync();
        var problems = page.WatchProblems();
        var response = await page.GotoAsync("/ops");
        Assert.Equal(200, response!.Status);
        var csp = await response.HeaderValueAsync("content-security-policy");
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Contains("default-src 'none'", csp);

        await page.SignedInAsync(System.OperatorKey);
        await Expect(page.Locator("#live")).ToContainTextAsync("Updated");
        var first = await page.Locator("#live").TextContentAsync();
        await Expect(page.Locator("#live")).Not.ToHaveTextAsync(first!); // the once-a-second poll runs
        await Expect(page.ProjectionRow("contacts")).ToBeVisibleAsync();
        await Expect(page.Locator("#chart-events svg[role=img]")).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Main)).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Banner)).ToBeVisibleAsync();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task A_wrong_key_is_refused_plainly_and_the_operator_key_signs_in_for_this_tab_only()
    {
        var page = await ops.NewPageAsync();
        await page.SignInAsync("not-the-operator-key");
        await Expect(page.Locator("#signin-error")).ToContainTextAsync("refused (401): it is not the operator key");
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('contactsync.operatorKey')"));

        // A tenant admin's key is a real key, but not the operator's.
        var tenant = await System.NewTenantAsync();
        var adminKey = tenant.Api.DefaultRequestHeaders.Authorization!.Parameter!;
        await page.GetByLabel("Operator key").FillAsync(adminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#signin-error")).ToContainTextAsync("refused (403)");

        await page.GetByLabel("Operator key").FillAsync(System.OperatorKey);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Projections" })).ToBeVisibleAsync();
        Assert.Equal(System.OperatorKey, await page.EvaluateAsync<string?>("sessionStorage.getItem('contactsync.operatorKey')"));
        Assert.Null(await page.EvaluateAsync<string?>("localStorage.getItem('contactsync.operatorKey')"));
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Projections" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("Operator key")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task A_banner_says_disconnected_while_the_api_does_not_answer_and_goes_when_it_does()
    {
        var page = await ops.NewPageAsync();
        await page.SignedInAsync(System.OperatorKey);
        var banner = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Disconnected" });
        await Expect(banner).ToBeHiddenAsync();
        // The API as seen from the browser goes away (as a stopped service or a dropped network would look).
        await page.RouteAsync("**/api/ops/**", route => route.AbortAsync("connectionrefused"));
        await Expect(banner).ToBeVisibleAsync();
        await page.UnrouteAllAsync();
        await Expect(banner).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Projections" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_first_sync_of_two_thousand_contacts_moves_its_progress_bar_to_done()
    {
        const int count = 2_000;
        // Signed in first, so the charts show the contacts arriving and the sync that follows.
        var page = await ops.NewPageAsync();
        var problems = page.WatchProblems();
        await page.SignedInAsync(System.OperatorKey);
        var narrow = await ops.NewPageAsync(390, 844);
        await narrow.SignedInAsync(System.OperatorKey);
        var crm = await System.NewTenantAsync();
        var tag = "ops" + Guid.NewGuid().ToString("N")[..6];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            await crm.NewContactAsync(new { name = new { given = $"Op{i}", family = "Erator" }, emails = new[] { new { value = $"o{i}-{tag}@example.com" } }, tags = new[] { tag } }));
        var list = await crm.NewListAsync("Ops " + tag, new { tags = new[] { tag } });
        var account = await System.ConnectAccountAsync(crm, "google", SyncFixture.Email());
        var connection = await crm.NewConnectionAsync(new { accountId = account, scope = "list", listId = list });
        var row = page.ConnectionRow(connection);
        await Expect(row).ToHaveAttributeAsync("data-state", "ready");
        var bar = row.Locator("progress.sync-progress");

        // Slow Google down a little, so a person (and a once-a-second poll) sees the first sync happen.
        await System.SetFaultsAsync(new { provider = "google", latencyMs = 250 });
        try
        {
            await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
            await Expect(row).ToHaveAttributeAsync("data-state", "syncing");
            var midway = await WaitForProgressAsync(page, connection, above: 0);
            await page.ScreenshotAsync(new() { Path = OpsFixture.ScreenshotPath("ops-wide.png"), FullPage = true });
            await Expect(narrow.ConnectionRow(connection)).ToHaveAttributeAsync("data-state", "syncing");
            await narrow.ScreenshotAsync(new() { Path = OpsFixture.ScreenshotPath("ops-narrow.png"), FullPage = true });
            await WaitForProgressAsync(page, connection, above: midway);
        }
        finally
        {
            await System.SetFaultsAsync(new { provider = "google", latencyMs = 0 });
        }
        await Expect(row.Locator(".bar-label")).ToHaveTextAsync("done", new() { Timeout = 120_000 });
        await Expect(bar).ToHaveAttributeAsync("aria-valuetext", "done");
        Assert.Equal(await bar.EvaluateAsync<double>("b => b.max"), await bar.EvaluateAsync<double>("b => b.value"));
        await Expect(row).ToHaveAttributeAsync("data-state", "idle");
        Assert.Equal(count, (await crm.GetConnectionAsync(connection)).GetProperty("counts").GetProperty("linked").GetInt32());
        await Expect(row.Locator(".requests")).ToContainTextAsync($"{count} linked");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Sync_now_on_the_page_starts_a_sync_as_the_system_and_the_page_shows_it()
    {
        var crm = await System.NewTenantAsync();
        for (var i = 0; i < 3; i++) await crm.NewContactAsync(new { name = new { given = $"Now{i}" } });
        var account = await System.ConnectAccountAsync(crm, "google", SyncFixture.Email());
        var connection = await crm.NewConnectionAsync(new { accountId = account, scope = "owned", group = new { name = "Now " + Guid.NewGuid().ToString("N")[..6] } });
        await crm.StepAsync(connection, "start", HttpStatusCode.Accepted);
        await crm.SyncedAsync(connection);

        var page = await ops.NewPageAsync();
        await page.SignedInAsync(System.OperatorKey);
        var row = page.ConnectionRow(connection);
        await Expect(row).ToHaveAttributeAsync("data-last-sync", new Regex(".+"));
        var clicked = DateTimeOffset.UtcNow;
        await row.GetByRole(AriaRole.Button, new() { Name = "Sync now" }).ClickAsync();
        await Expect(row.Locator(".result")).ToContainTextAsync("Sync now: accepted (202)");
        await Expect(row).ToHaveAttributeAsync("data-last-sync", new Regex(".+"));
        await page.WaitForFunctionAsync("([id, after]) => Date.parse(document.querySelector(`tr[data-connection-id=\"${id}\"]`)?.dataset.lastSync || 0) > after",
            new object[] { connection.ToString(), clicked.ToUnixTimeMilliseconds() }, new() { PollingInterval = 100 });

        Assert.Contains("system", await ActorKindsAsync(connection, "ConnectionSyncRequested.v1"));

        // Pause and resume from the page, keyboard only.
        var pause = row.GetByRole(AriaRole.Button, new() { Name = "Pause" });
        await pause.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(row.Locator(".result")).ToContainTextAsync("Pause: done (200), now paused");
        await Expect(row).ToHaveAttributeAsync("data-state", "paused");
        await Expect(pause).ToBeDisabledAsync();
        var resume = row.GetByRole(AriaRole.Button, new() { Name = "Resume" });
        await Expect(resume).ToBeEnabledAsync();
        await resume.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(row.Locator(".result")).ToContainTextAsync("Resume: done (200)");
        await Expect(row).Not.ToHaveAttributeAsync("data-state", "paused");
    }

    [Fact]
    public async Task A_rebuild_shows_its_progress_and_then_the_checksum()
    {
        var page = await ops.NewPageAsync();
        await page.SignedInAsync(System.OperatorKey);
        var row = page.ProjectionRow("contacts");
        await row.GetByRole(AriaRole.Button, new() { Name = "Rebuild the contacts projection" }).ClickAsync();
        await Expect(row.Locator("progress.rebuild-progress")).ToBeVisibleAsync();
        await Expect(row.Locator(".checksum")).ToHaveTextAsync(new Regex("^Checksum [0-9a-f]{32}$"), new() { Timeout = 120_000 });
        await Expect(row.Locator("progress.rebuild-progress")).ToBeHiddenAsync();
        await Expect(row.Locator(".result")).ToContainTextAsync("Rebuilt at");
        var projection = await SyncFixture.Read(await System.Operator.GetAsync("/api/ops/projections/contacts"), HttpStatusCode.OK);
        Assert.Equal("live", projection.GetProperty("state").GetString());
        Assert.Equal("Checksum " + projection.GetProperty("checksum").GetString(), await row.Locator(".checksum").TextContentAsync());
    }

    /// <summary>Who made the connection's events of this type, from its stream in the log.</summary>
    private async Task<List<string>> ActorKindsAsync(Guid connection, string type)
    {
        await using var db = NpgsqlDataSource.Create(System.ConnectionString);
        await using var cmd = db.CreateCommand("""
            SELECT e.data -> 'actor' ->> 'kind' FROM es.events e JOIN es.streams s ON s.stream_id = e.stream_id
             WHERE s.stream_name = $1 AND e.event_type = $2
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"Connection-{connection}" });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = type });
        await using var r = await cmd.ExecuteReaderAsync();
        var kinds = new List<string>();
        while (await r.ReadAsync()) kinds.Add(r.GetString(0));
        return kinds;
    }

    /// <summary>Waits until the connection's bar shows a running sync past <paramref name="above"/> done and short of its total.</summary>
    private static async Task<int> WaitForProgressAsync(IPage page, Guid connection, int above)
    {
        var handle = await page.WaitForFunctionAsync("""
            ([id, above]) => {
              const bar = document.querySelector(`tr[data-connection-id="${id}"] progress.sync-progress`);
              const running = bar && bar.hasAttribute('value') && bar.getAttribute('aria-valuetext') !== 'done';
              return running && bar.value > above && bar.value < bar.max ? bar.value : false;
            }
            """, new object[] { connection.ToString(), above }, new() { Timeout = 120_000, PollingInterval = 50 });
        return (int)await handle.JsonValueAsync<double>();
    }
}
