using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using ContactSync.Api.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Auth;

/// <summary>
/// The operator key must carry at least 32 random bytes (43 base64url characters, or 64 hex digits, after an optional
/// <c>op_</c> prefix): the API refuses to start with a shorter one, and starts and honours a long enough one.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OperatorKeyTests(ApiFixture api)
{
    public static TheoryData<string, string> ShortKeys => new()
    {
        { "operator-" + Guid.NewGuid().ToString("N"), "43 or more base64url characters after an optional 'op_' prefix, but has 41" },
        { "op_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(31)), "but has 42" },
        { Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))[..63], "64 or more hex digits" },
        { "op_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)) + " " + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)), "printable ASCII without spaces" },
        { new string('k', 257), "at most 256" },
    };

    [Theory]
    [MemberData(nameof(ShortKeys))]
    public async Task The_api_refuses_to_start_with_an_operator_key_of_fewer_than_32_random_bytes(string key, string message)
    {
        await using var app = ApiApp.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:events"] = api.ConnectionString,
                ["ContactSync:OperatorKey"] = key,
                ["Providers:SandboxUri"] = api.SandboxAddress.ToString(),
                ["ContactSync:GrantKeys:Current"] = "test-1",
                ["ContactSync:GrantKeys:Keys:test-1"] = api.GrantKey,
                ["Logging:LogLevel:Default"] = "None",
            });
            b.WebHost.UseUrls("http://127.0.0.1:0");
        });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("ContactSync:OperatorKey must", failure.Message);
        Assert.Contains(message, failure.Message);
        Assert.DoesNotContain(key, failure.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_api_starts_with_an_operator_key_of_32_random_bytes_and_accepts_it(bool hex)
    {
        var bytes = RandomNumberGenerator.GetBytes(32);
        var key = hex ? Convert.ToHexStringLower(bytes) : "op_" + Base64Url.EncodeToString(bytes);

        var address = await api.StartApiAsync(new() { ["ContactSync:OperatorKey"] = key });

        await ReadAsync(await api.Client(address, key).GetAsync("/api/ops/status"), HttpStatusCode.OK);
    }
}
