using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ContactSync.Sandbox.Tests.Graph;

public sealed class GraphDeltaExpiryTests
{
    [Fact]
    public async Task Expired_cursors_answer_410_SyncStateNotFound_and_a_new_round_works()
    {
        var sandbox = new GraphSandboxFixture();
        await sandbox.InitializeAsync();
        try
        {
            var mailbox = await sandbox.NewMailboxAsync();
            var folder = await mailbox.CreateFolderAsync();
            for (var i = 0; i < 3; i++) await mailbox.CreateContactAsync(new { givenName = $"E{i}" }, folder);
            var page = await mailbox.JsonAsync(HttpMethod.Get, $"/me/contactFolders/{folder}/contacts/delta", configure: r => r.Headers.Add("Prefer", "odata.maxpagesize=1"));
            var nextLink = page["@odata.nextLink"]!.GetValue<string>();
            var deltaLink = (await mailbox.DeltaRoundAsync($"/me/contactFolders/{folder}/contacts/delta")).DeltaLink;

            await sandbox.SetFaultsAsync(new { provider = "microsoft", expireCursors = true });

            using var expired = await mailbox.SendAsync(HttpMethod.Get, deltaLink);
            await GraphAssert.ErrorAsync(expired, 410, "SyncStateNotFound");
            await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Get, nextLink), 410, "SyncStateNotFound");
            await GraphAssert.ErrorAsync(await mailbox.SendAsync(HttpMethod.Get, $"/me/contactFolders/{folder}/contacts/delta?$deltatoken=garbage"), 410, "SyncStateNotFound");
            Assert.Equal(3, (await mailbox.DeltaRoundAsync($"/me/contactFolders/{folder}/contacts/delta")).Items.Count);
        }
        finally
        {
            await sandbox.DisposeAsync();
        }
    }

    [Fact]
    public async Task Delta_tokens_and_access_tokens_expire_after_their_configured_lifetimes()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var app = SandboxApp.Build(["--urls", "http://127.0.0.1:0", "--Sandbox:Graph:DeltaTokenLifetime=01:00:00", "--Sandbox:Graph:AccessTokenLifetime=1.00:00:00"], b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Warning);
            b.Services.AddSingleton<TimeProvider>(clock);
        });
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/") };
            var token = (await (await http.PostAsJsonAsync("_sandbox/microsoft/accounts", new { email = $"t-{Guid.NewGuid():N}@contoso.test" }))
                .Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!.GetValue<string>();
            var get = () =>
            {
                var r = new HttpRequestMessage(HttpMethod.Get, "v1.0/me/contacts/delta");
                r.Headers.Authorization = new("Bearer", token);
                return r;
            };
            var first = await (await http.SendAsync(get())).Content.ReadFromJsonAsync<JsonObject>();
            var deltaLink = first!["@odata.deltaLink"]!.GetValue<string>();

            clock.Advance(TimeSpan.FromMinutes(30));
            using var fresh = new HttpRequestMessage(HttpMethod.Get, deltaLink);
            fresh.Headers.Authorization = new("Bearer", token);
            Assert.Equal(200, (int)(await http.SendAsync(fresh)).StatusCode);

            clock.Advance(TimeSpan.FromMinutes(31));
            using var stale = new HttpRequestMessage(HttpMethod.Get, deltaLink);
            stale.Headers.Authorization = new("Bearer", token);
            await GraphAssert.ErrorAsync(await http.SendAsync(stale), 410, "SyncStateNotFound");

            clock.Advance(TimeSpan.FromDays(1));
            using var late = await http.SendAsync(get());
            await GraphAssert.ErrorAsync(late, 401, "InvalidAuthenticationToken");
            Assert.Contains("expired", await late.Content.ReadAsStringAsync());
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}

public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
