namespace ContactSync.Sandbox.Tests.Google;

public sealed class GoogleConcurrencyTests(GoogleSandboxFixture sandbox) : IClassFixture<GoogleSandboxFixture>
{
    [Fact]
    public async Task Parallel_writers_and_readers_on_one_account_and_on_many_accounts_lose_nothing()
    {
        var accounts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => sandbox.NewAccountAsync()));

        var writes = accounts.SelectMany(a => Enumerable.Range(0, 25).Select(async i =>
        {
            var (name, etag) = await a.Client.CreateContactAsync($"N{i}");
            var (status, _) = await a.Client.PatchJsonAsync($"v1/{name}:updateContact?updatePersonFields=names",
                new { etag, names = new[] { new { givenName = $"U{i}" } } });
            Assert.Equal(System.Net.HttpStatusCode.OK, status);
            return name;
        }));
        var reads = accounts.Select(a => a.Client.GetJsonAsync("v1/people/me/connections?personFields=names&pageSize=1000"));
        var names = await Task.WhenAll(writes);
        await Task.WhenAll(reads);

        Assert.Equal(100, names.Distinct().Count());
        foreach (var (_, client) in accounts)
        {
            var (_, list) = await client.GetJsonAsync("v1/people/me/connections?personFields=names&pageSize=1000");
            Assert.Equal(Enumerable.Range(0, 25).Select(i => $"U{i}").Order(),
                list.Items("connections").Select(p => p.GetProperty("names")[0].GetProperty("givenName").GetString()!).Order());
        }
    }
}
