using System.Net;
using System.Net.Http.Headers;
using ContactSync.Api.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Accounts;

/// <summary>The API's own origin comes from <c>ContactSync:PublicUrl</c> or the address it is bound to, never from the
/// request's Host header (<c>AllowedHosts</c> is <c>*</c>, so a client may send any Host).</summary>
[Collection(ApiCollection.Name)]
public sealed class PublicAddressTests(ApiFixture api)
{
    [Fact]
    public async Task A_forged_Host_header_neither_allows_a_return_address_on_that_host_nor_moves_the_callback_there()
    {
        var t = await api.NewTenantAsync();
        // The fixture's instance has ContactSync:PublicUrl; another one falls back to the address it is bound to.
        var unconfigured = await api.StartApiAsync(new());
        foreach (var address in new[] { api.ApiAddress, unconfigured })
        {
            var client = api.Client(address, t.AdminKey);
            var before = await OAuthBrowser.SnapshotAsync(api);

            using var refused = await client.SendAsync(Connect("/api/accounts/google/connect?loginHint=a%40gmail.test&returnUrl=" +
                                                               Uri.EscapeDataString("http://evil.example/steal")));
            await ValidationAsync(refused, "returnUrl");
            Assert.Equal(before, await OAuthBrowser.SnapshotAsync(api));

            using var accepted = await client.SendAsync(Connect("/api/accounts/google/connect?loginHint=a%40gmail.test&returnUrl=" +
                                                                Uri.EscapeDataString(new Uri(address, "/done").ToString())));
            var query = QueryHelpers.ParseQuery(new Uri((await ReadAsync(accepted, HttpStatusCode.OK)).GetProperty("authorizeUrl").GetString()!).Query);
            Assert.Equal(new Uri(address, "/api/accounts/google/callback").ToString(), query["redirect_uri"]);
        }
    }

    [Fact]
    public async Task The_configured_public_url_is_the_own_origin_and_the_root_of_the_callback()
    {
        var t = await api.NewTenantAsync();
        var address = await api.StartApiAsync(new() { ["ContactSync:PublicUrl"] = "https://crm-api.example/base/" });
        var client = api.Client(address, t.AdminKey);

        using var accepted = await client.SendAsync(Connect("/api/accounts/microsoft/connect?loginHint=a%40outlook.test&returnUrl=" +
                                                            Uri.EscapeDataString("https://crm-api.example/done")));
        var query = QueryHelpers.ParseQuery(new Uri((await ReadAsync(accepted, HttpStatusCode.OK)).GetProperty("authorizeUrl").GetString()!).Query);
        Assert.Equal("https://crm-api.example/base/api/accounts/microsoft/callback", query["redirect_uri"]);

        // The address it happens to be bound to is not its public origin.
        using var refused = await client.SendAsync(Connect("/api/accounts/microsoft/connect?loginHint=a%40outlook.test&returnUrl=" +
                                                           Uri.EscapeDataString(new Uri(address, "/done").ToString())));
        await ValidationAsync(refused, "returnUrl");
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://crm.example")]
    [InlineData("https://crm.example/?q=1")]
    public async Task The_api_refuses_to_start_with_a_public_url_that_is_not_an_http_address(string publicUrl)
    {
        await using var app = ApiApp.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:events"] = api.ConnectionString,
                ["ContactSync:OperatorKey"] = api.OperatorKey,
                ["Providers:SandboxUri"] = api.SandboxAddress.ToString(),
                ["ContactSync:GrantKeys:Current"] = "k",
                ["ContactSync:GrantKeys:Keys:k"] = api.GrantKey,
                ["ContactSync:PublicUrl"] = publicUrl,
                ["Logging:LogLevel:Default"] = "None",
            });
            b.WebHost.UseUrls("http://127.0.0.1:0");
        });

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.Contains("PublicUrl", failure.Message);
    }

    private static HttpRequestMessage Connect(string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Host = "evil.example";
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }
}
