using ContactSync.Api.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ContactSync.Api.Tests.Accounts;

/// <summary>Without a usable grant key the API does not start: better than failing at the first connect.</summary>
[Collection(ApiCollection.Name)]
public sealed class AccountsConfigurationTests(ApiFixture api)
{
    [Theory]
    [InlineData(null, null, "ContactSync:GrantKeys:Current is required")]
    [InlineData("k", "dG9vLXNob3J0", "ContactSync:GrantKeys:Keys:k must be base64 of exactly 32 bytes")]
    public async Task The_api_refuses_to_start_without_a_usable_grant_key(string? current, string? key, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:events"] = api.ConnectionString,
            ["ContactSync:OperatorKey"] = api.OperatorKey,
            ["Providers:SandboxUri"] = api.SandboxAddress.ToString(),
            ["ContactSync:GrantKeys:Current"] = current,
            ["ContactSync:GrantKeys:Keys:k"] = key,
            ["Logging:LogLevel:Default"] = "None",
        };
        await using var app = ApiApp.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.WebHost.UseUrls("http://127.0.0.1:0");
        });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(message, failure.Message);
    }
}
