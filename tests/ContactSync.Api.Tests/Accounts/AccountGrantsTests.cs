using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContactSync.Api.Tests.Support;
using ContactSync.Sandbox.Google;
using ContactSync.Sandbox.Graph.OAuth;
using ContactSync.Sandbox.Graph.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Accounts;

/// <summary>What happens to a connected account's grant: sealed at rest, refreshed once for concurrent callers,
/// refused grants recorded as needs-reauth and cleared by a reconnect.</summary>
[Collection(ApiCollection.Name)]
public sealed class AccountGrantsTests(ApiFixture api) : IDisposable
{
    private readonly OAuthBrowser _browser = new(api);
    private readonly HttpClient _sandbox = new() { BaseAddress = api.SandboxAddress };

    public void Dispose()
    {
        _browser.Dispose();
        _sandbox.Dispose();
    }

    [Fact]
    public async Task Refresh_tokens_are_in_no_table_and_no_log_line_in_clear()
    {
        var logs = new CapturedLogs();
        var address = await api.StartApiAsync(new() { ["Logging:LogLevel:Default"] = "Trace" }, b => b.Logging.AddProvider(logs));
        using var browser = new OAuthBrowser(api, address);
        var t = await api.NewTenantAsync();
        var client = api.Client(address, t.AdminKey);
        var google = OAuthBrowser.Email("google");
        var microsoft = OAuthBrowser.Email("microsoft");
        foreach (var (provider, email) in new[] { ("google", google), ("microsoft", microsoft) })
        {
            await browser.ConnectAsync(t.AdminKey, provider, email);
            var id = (await OAuthBrowser.SingleAccountAsync(client, email)).GetProperty("id").GetString();
            // Lists the groups: the API refreshes the access token from the sealed grant (Microsoft rotates it).
            await ReadAsync(await client.GetAsync($"/api/accounts/{id}/groups"), HttpStatusCode.OK);
        }
        var graph = api.SandboxServices.GetRequiredService<GraphStore>().Find(microsoft)!;
        string[] tokens =
        [
            .. api.SandboxServices.GetRequiredService<GoogleSandbox>().Tokens.RefreshTokensOf(google),
            .. api.SandboxServices.GetRequiredService<TokenStore>().RefreshTokensOf(graph),
        ];
        Assert.True(tokens.Length >= 3, $"Expected the Google grant and at least two Microsoft refresh tokens, got {tokens.Length}.");

        var dump = await PgDumpAsync();

        Assert.Contains("AccountConnected.v1", dump);
        Assert.Contains(google, dump);
        foreach (var token in tokens)
        {
            Assert.DoesNotContain(token, dump);
            Assert.DoesNotContain(logs.Lines, line => line.Contains(token, StringComparison.Ordinal));
        }
        Assert.DoesNotContain(api.GrantKey, dump);
        Assert.NotEmpty(logs.Lines);
    }

    [Theory]
    [InlineData("google")]
    [InlineData("microsoft")]
    public async Task Concurrent_calls_on_one_account_wait_for_a_single_token_refresh(string provider)
    {
        var t = await api.NewTenantAsync();
        var email = OAuthBrowser.Email(provider);
        await _browser.ConnectAsync(t.AdminKey, provider, email);
        var id = (await OAuthBrowser.SingleAccountAsync(t.Admin, email)).GetProperty("id").GetString();
        var before = await TokenRequestsAsync(provider);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => t.Admin.GetAsync($"/api/accounts/{id}/groups")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(before + 1, await TokenRequestsAsync(provider));
    }

    [Theory]
    [InlineData("google")]
    [InlineData("microsoft")]
    public async Task A_revoked_grant_makes_the_account_need_reauth_until_it_is_connected_again(string provider)
    {
        var t = await api.NewTenantAsync();
        var email = OAuthBrowser.Email(provider);
        await _browser.ConnectAsync(t.AdminKey, provider, email);
        var id = (await OAuthBrowser.SingleAccountAsync(t.Admin, email)).GetProperty("id").GetString();
        await ReadAsync(await t.Admin.GetAsync($"/api/accounts/{id}/groups"), HttpStatusCode.OK);

        (await _sandbox.PostAsJsonAsync($"_sandbox/{provider}/accounts/{Uri.EscapeDataString(email)}/revoke", new { })).EnsureSuccessStatusCode();

        var refused = await ProblemAsync(await t.Admin.GetAsync($"/api/accounts/{id}/groups"), HttpStatusCode.Conflict);
        Assert.Equal("account.needs-reauth", refused.GetProperty("code").GetString());
        await Eventually.TrueAsync(async () => (await OAuthBrowser.SingleAccountAsync(t.Admin, email)).GetProperty("status").GetString() == "needs-reauth",
            "the account to show needs-reauth", TimeSpan.FromSeconds(10));
        await ProblemAsync(await t.Admin.GetAsync($"/api/accounts/{id}/groups"), HttpStatusCode.Conflict);

        await _browser.ConnectAsync(t.AdminKey, provider, email);

        var again = await OAuthBrowser.SingleAccountAsync(t.Admin, email);
        Assert.Equal(id, again.GetProperty("id").GetString());
        Assert.Equal("active", again.GetProperty("status").GetString());
        await ReadAsync(await t.Admin.GetAsync($"/api/accounts/{id}/groups"), HttpStatusCode.OK);
    }

    private async Task<long> TokenRequestsAsync(string provider)
    {
        var stats = await _sandbox.GetFromJsonAsync<JsonElement>("_sandbox/stats");
        return stats.GetProperty("items").EnumerateArray()
            .Where(s => s.GetProperty("provider").GetString() == provider && s.GetProperty("endpoint").GetString() is { } e &&
                        e.StartsWith("POST ", StringComparison.Ordinal) && e.EndsWith("token", StringComparison.Ordinal))
            .Sum(s => s.GetProperty("count").GetInt64());
    }

    private async Task<string> PgDumpAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin", "pg_dump")).Where(File.Exists).OrderDescending().First();
        var cs = new NpgsqlConnectionStringBuilder(api.ConnectionString);
        var psi = new ProcessStartInfo(bin) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-h", cs.Host!, "-p", cs.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", cs.Username!, "-d", cs.Database! })
            psi.ArgumentList.Add(arg);
        if (!string.IsNullOrEmpty(cs.Password)) psi.Environment["PGPASSWORD"] = cs.Password;
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pg_dump failed: {await error}");
        return await output;
    }
}
