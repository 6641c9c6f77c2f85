using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContactSync.Api.Tests.Support;

namespace ContactSync.Api.Tests.Connections;

/// <summary>Issue 15, item 7: a preview is bounded (full counts, capped samples) and runs once per user at a time.</summary>
[Collection(ApiCollection.Name)]
public sealed class ConnectionPreviewTests(ApiFixture api) : IAsyncLifetime
{
    private readonly ConnectionTestSupport support = new(api);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await support.DisposeAsync();

    [Fact]
    public async Task A_preview_counts_every_contact_of_a_kind_and_shows_only_the_first_samples()
    {
        var tenant = await api.NewTenantAsync();
        var user = await support.NewUserAsync(tenant);
        var (account, _) = await support.ConnectAccountAsync(user);
        var family = "Cap" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 50; i++)
            await user.Client.NewContactAsync(new { name = new { given = $"P{i}", family }, emails = new[] { new { value = $"p{i}-{family}@example.com" } } });
        await Eventually.TrueAsync(async () => (await TestApi.ReadAsync(await user.Client.GetAsync($"/api/contacts?q={family}&limit=500"), HttpStatusCode.OK))
            .GetProperty("items").GetArrayLength() == 50, "the 50 contacts in the read model");

        var preview = await TestApi.ReadAsync(await PreviewAsync(user, account), HttpStatusCode.OK);

        var creates = preview.GetProperty("toCreateInProvider");
        Assert.Equal(50, creates.GetProperty("count").GetInt32());
        Assert.Equal(20, creates.GetProperty("samples").GetArrayLength());
        Assert.All(creates.GetProperty("samples").EnumerateArray(), s => Assert.EndsWith($"-{family}@example.com", s.GetProperty("email").GetString()));
        Assert.Equal(20, creates.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("contactId").GetGuid()).Distinct().Count());
        foreach (var kind in new[] { "toImport", "toLink", "toDeleteInProvider" })
        {
            Assert.Equal(0, preview.GetProperty(kind).GetProperty("count").GetInt32());
            Assert.Equal(0, preview.GetProperty(kind).GetProperty("samples").GetArrayLength());
        }
        Assert.True(preview.GetProperty("group").GetProperty("new").GetBoolean());
    }

    [Fact]
    public async Task A_second_preview_of_the_same_user_while_one_runs_is_refused_with_429_and_another_user_is_not_held_back()
    {
        var tenant = await api.NewTenantAsync();
        var user = await support.NewUserAsync(tenant);
        var colleague = await support.NewUserAsync(tenant);
        var (account, _) = await support.ConnectAccountAsync(user);
        var (theirs, _) = await support.ConnectAccountAsync(colleague);

        // Every request at the emulated Google takes 2 s, so a preview that reached the provider is still running
        // when the requests sent beside it arrive.
        await SetLatencyAsync(2_000);
        try
        {
            var first = PreviewAsync(user, account);
            var second = PreviewAsync(user, account);
            var other = PreviewAsync(colleague, theirs);
            var answers = await Task.WhenAll(first, second, other);

            var mine = answers[..2];
            Assert.Single(mine, r => r.StatusCode == HttpStatusCode.OK);
            var refused = Assert.Single(mine, r => r.StatusCode == HttpStatusCode.TooManyRequests);
            var problem = await TestApi.ProblemAsync(refused, HttpStatusCode.TooManyRequests);
            Assert.Equal("connection.preview-running", problem.GetProperty("code").GetString());
            Assert.Contains("one preview per user", problem.GetProperty("detail").GetString());
            Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 }, "a refused preview says when to retry");
            Assert.Equal(HttpStatusCode.OK, answers[2].StatusCode);
        }
        finally
        {
            await SetLatencyAsync(0);
        }

        // The gate is released when a preview ends, whatever its outcome.
        Assert.Equal(HttpStatusCode.OK, (await PreviewAsync(user, account)).StatusCode);
        using var bad = new StringContent("{", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await user.Client.PostAsync("/api/connections/preview", bad)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PreviewAsync(user, account)).StatusCode);
    }

    private static Task<HttpResponseMessage> PreviewAsync(UserHandle user, Guid account) =>
        user.Client.PostAsJsonAsync("/api/connections/preview", new { accountId = account, scope = "owned", group = new { name = "Preview " + Guid.NewGuid().ToString("N")[..6] } });

    private async Task SetLatencyAsync(int ms)
    {
        using var client = new HttpClient { BaseAddress = api.SandboxAddress };
        using var res = await client.PostAsJsonAsync("/_sandbox/faults", new { provider = "google", latencyMs = ms });
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
    }
}
