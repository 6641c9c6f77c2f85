using System.Net;

namespace ContactSync.Sandbox.Tests.Google;

/// <summary>Lifetimes, driven by the sandbox's clock (this class owns its sandbox, so moving the clock
/// affects no other test). Access tokens last an hour, so each step signs in afresh.</summary>
public sealed class GoogleClockTests(ClockFixture sandbox) : IClassFixture<ClockFixture>
{
    private async Task<HttpClient> SignInAsync(string email)
    {
        var (_, created) = await sandbox.Http.PostJsonAsync("_sandbox/google/accounts", new { email });
        return sandbox.Client(created.GetProperty("accessToken").GetString());
    }

    [Fact]
    public async Task A_sync_token_works_for_seven_days_then_fails_with_Google_s_400_EXPIRED_SYNC_TOKEN()
    {
        var (email, client) = await sandbox.NewAccountAsync();
        await client.CreateContactAsync("Ada");
        var (_, full) = await client.GetJsonAsync("v1/people/me/connections?personFields=names&requestSyncToken=true");
        var token = full.GetProperty("nextSyncToken").GetString()!;

        sandbox.Clock.Advance(TimeSpan.FromDays(6));
        using var daySix = await SignInAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await daySix.GetJsonAsync($"v1/people/me/connections?personFields=names&syncToken={token}")).Status);

        sandbox.Clock.Advance(TimeSpan.FromDays(1));
        using var daySeven = await SignInAsync(email);
        var (status, body) = await daySeven.GetJsonAsync($"v1/people/me/connections?personFields=names&syncToken={token}");

        GoogleApi.AssertGoogleError(status, body, 400, "FAILED_PRECONDITION", "EXPIRED_SYNC_TOKEN");
        Assert.Equal("Sync token is expired. Clear local cache and retry call without the sync token.", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Access_tokens_expire_after_an_hour()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetJsonAsync("v1/people/me/connections?personFields=names")).Status);

        sandbox.Clock.Advance(TimeSpan.FromMinutes(61));
        var (status, body) = await client.GetJsonAsync("v1/people/me/connections?personFields=names");

        GoogleApi.AssertGoogleError(status, body, 401, "UNAUTHENTICATED");
    }
}
