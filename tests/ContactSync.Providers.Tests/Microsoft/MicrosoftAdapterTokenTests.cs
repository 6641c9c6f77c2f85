using Microsoft.Extensions.DependencyInjection;

namespace ContactSync.Providers.Tests.Microsoft;

public sealed class MicrosoftAdapterTokenTests
{
    private sealed class ServerClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }

    [Fact]
    public async Task An_access_token_the_server_considers_expired_is_refreshed_once_and_the_call_succeeds()
    {
        var clock = new ServerClock(DateTimeOffset.UtcNow);
        var sandbox = new GraphAdapterFixture();
        await sandbox.StartAsync(b => b.Services.AddSingleton<TimeProvider>(clock));
        try
        {
            var recorder = new RecordingHandler();
            var account = await sandbox.ConnectAsync(recorder);
            var group = await account.Provider.EnsureGroupAsync("Tokens", CancellationToken.None);
            Assert.NotEqual(account.Grant.RefreshToken, account.Provider.RefreshToken);
            var refreshesBefore = recorder.Requests.Count(r => r.Body?.Contains("grant_type=refresh_token") == true);

            // The adapter's own clock still trusts the token; only the server's clock moved past its expiry.
            clock.Advance(TimeSpan.FromHours(2));
            var groups = await account.Provider.ListGroupsAsync(CancellationToken.None);

            Assert.Equal(group.Id, Assert.Single(groups).Id);
            Assert.Equal(refreshesBefore + 1, recorder.Requests.Count(r => r.Body?.Contains("grant_type=refresh_token") == true));
        }
        finally
        {
            await sandbox.DisposeAsync();
        }
    }
}
