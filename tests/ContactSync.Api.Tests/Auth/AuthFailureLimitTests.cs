using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using ContactSync.Api.Tests.Support;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Auth;

/// <summary>
/// Refused API keys count per client address: past the limit, that address gets 429 with Retry-After for every keyed
/// request until its window ends. The clients here connect from their own loopback addresses (127.0.0.2, 127.0.0.3),
/// so the API sees two real remote addresses; no forwarded header is involved.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuthFailureLimitTests(ApiFixture api)
{
    [Fact]
    public async Task Invalid_keys_from_one_address_get_429_past_the_limit_while_valid_keys_do_not_count_and_other_addresses_are_served()
    {
        var address = await api.StartApiAsync(new()
        {
            ["ContactSync:Api:AuthFailureLimit"] = "3",
            ["ContactSync:Api:AuthFailureWindowSeconds"] = "600",
        });
        var t = await api.NewTenantAsync();
        var bad = "csk_019a0000000070008000000000000000_" + new string('A', 43);
        using var first = From("127.0.0.2", address);
        using var second = From("127.0.0.3", address);

        for (var i = 0; i < 2; i++) await ProblemAsync(await GetAsync(first, bad), HttpStatusCode.Unauthorized);
        for (var i = 0; i < 5; i++) await ReadAsync(await GetAsync(first, t.AdminKey), HttpStatusCode.OK);
        await ProblemAsync(await GetAsync(first, "not-a-key-" + Guid.NewGuid()), HttpStatusCode.Unauthorized);

        foreach (var key in new[] { bad, "not-a-key-" + Guid.NewGuid() })
        {
            using var limited = await GetAsync(first, key);
            var problem = await ProblemAsync(limited, HttpStatusCode.TooManyRequests);
            Assert.Equal("auth.too-many-failures", problem.GetProperty("code").GetString());
            Assert.Contains("invalid API key", problem.GetProperty("detail").GetString());
            var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 1, 600);
        }
        // A valid key from the limited address is never refused: everyone behind one address (a NAT, a proxy, a local
        // run) must not be locked out by one client that sends bad keys.
        await ReadAsync(await GetAsync(first, t.AdminKey), HttpStatusCode.OK);
        await ProblemAsync(await GetAsync(second, bad), HttpStatusCode.Unauthorized);
        await ReadAsync(await GetAsync(second, t.AdminKey), HttpStatusCode.OK);
        // Without a key nothing is guessed: the limited address still hears 401, not 429.
        await ProblemAsync(await GetAsync(first, null), HttpStatusCode.Unauthorized);
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/users/me");
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client.SendAsync(request);
    }

    /// <summary>A client whose connections come from <paramref name="source"/> (any 127.x address is loopback on Linux).</summary>
    private static HttpClient From(string source, Uri address) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
}
