using System.Net;
using System.Security.Cryptography;
using System.Text;
using ContactSync.Api.Accounts;
using ContactSync.Api.Tests.Support;
using ContactSync.EventStore;
using ContactSync.EventStore.Postgres;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Accounts;

/// <summary>
/// The connect flow's single-use streams (<c>OAuthState-*</c>, <c>PendingGrant-*</c>) carry their lifetime as the
/// stream's max-age: once it passes, the event store reads them as empty, and the callback or the confirmation that
/// comes too late is refused as expired. The lifetimes here are seconds, so the store's own clock ends them.
/// </summary>
public sealed partial class BrowserBindingTests
{
    [Fact]
    public async Task An_oauth_state_stream_reads_as_empty_once_its_lifetime_passes_and_its_callback_is_refused_as_expired()
    {
        var address = await api.StartApiAsync(new() { ["ContactSync:Accounts:StateLifetime"] = "00:00:02" });
        using var browser = new OAuthBrowser(api, address);
        var t = await api.NewTenantAsync();
        var consent = await browser.StartAsync(t.AdminKey, "google", OAuthBrowser.Email("google"));
        var state = QueryHelpers.ParseQuery(consent.Query)["state"].ToString();
        var stream = new StreamName($"OAuthState-{Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(state)))}");
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var store = new PostgresEventStore(db);
        Assert.Equal(TimeSpan.FromSeconds(2), (await store.GetStreamMetadataAsync(stream)).MaxAge);
        var callback = await browser.ApproveAsync(consent);

        await Eventually.TrueAsync(async () => (await store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 10)).Count == 0,
            "the state's stream to read as empty");
        using var res = await browser.CallbackAsync(callback);

        var problem = await ProblemAsync(res, HttpStatusCode.BadRequest);
        Assert.Equal("account.state-invalid", problem.GetProperty("code").GetString());
        Assert.Contains("expired", problem.GetProperty("detail").GetString());
        Assert.Empty(await OAuthBrowser.AccountsAsync(t.Admin));
    }

    [Fact]
    public async Task A_pending_grant_stream_reads_as_empty_once_its_lifetime_passes_and_cannot_be_confirmed()
    {
        var address = await api.StartApiAsync(new() { ["ContactSync:Accounts:PendingLifetime"] = "00:00:02" });
        using var starter = new OAuthBrowser(api, address);
        var t = await api.NewTenantAsync();
        var client = api.Client(address, t.AdminKey);
        var (connectId, code) = await PendingAsync(starter, t.AdminKey, "google", OAuthBrowser.Email("google"), address);
        var stream = PendingGrants.StreamOf(connectId);
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var store = new PostgresEventStore(db);
        Assert.Equal(TimeSpan.FromSeconds(2), (await store.GetStreamMetadataAsync(stream)).MaxAge);

        await Eventually.TrueAsync(async () => (await store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 10)).Count == 0,
            "the pending grant's stream to read as empty");
        var refused = await ProblemAsync(await ConfirmAsync(client, connectId, code), HttpStatusCode.Gone);

        Assert.Equal("account.pending-expired", refused.GetProperty("code").GetString());
        Assert.Empty(await OAuthBrowser.AccountsAsync(client));
    }
}
