using System.Net;
using System.Net.Http.Json;
using ContactSync.Api.Tests.Support;
using static ContactSync.Api.Tests.Support.TestApi;

namespace ContactSync.Api.Tests.Auth;

[Collection(ApiCollection.Name)]
public sealed class AuthTests(ApiFixture api)
{
    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer csk_0000000000000000000000000000000_x")]
    [InlineData("Bearer csk_019a0000000070008000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task A_missing_or_unknown_key_answers_401_problem(string? authorization)
    {
        var client = api.Client(null);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/contacts");
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        var res = await client.SendAsync(request);
        await ProblemAsync(res, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", res.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_key_with_a_wrong_secret_for_a_real_key_id_answers_401()
    {
        var t = await api.NewTenantAsync();
        var forged = t.AdminKey[..^4] + (t.AdminKey.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        await ProblemAsync(await api.Client(forged).GetAsync("/api/users/me"), HttpStatusCode.Unauthorized);
        await ReadAsync(await t.Admin.GetAsync("/api/users/me"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_operator_key_may_only_create_tenants_and_use_ops()
    {
        await ReadAsync(await api.Operator.GetAsync("/api/ops/status"), HttpStatusCode.OK);
        await ReadAsync(await api.Operator.GetAsync("/api/ops/projections/contacts"), HttpStatusCode.OK);
        // Allowed, so the answer is about the name (a real rebuild here would race the rebuild test on the shared fixture).
        await ProblemAsync(await api.Operator.PostAsync("/api/ops/projections/nothing/rebuild", null), HttpStatusCode.NotFound);
        await ProblemAsync(await api.Operator.GetAsync("/api/contacts"), HttpStatusCode.Forbidden);
        await ProblemAsync(await api.Operator.PostAsJsonAsync("/api/contacts", new { notes = "x" }), HttpStatusCode.Forbidden);
        await ProblemAsync(await api.Operator.GetAsync("/api/users"), HttpStatusCode.Forbidden);
        await ProblemAsync(await api.Operator.GetAsync("/api/audit"), HttpStatusCode.Forbidden);
        await ProblemAsync(await api.Operator.GetAsync("/api/dashboard"), HttpStatusCode.Forbidden);
        await ProblemAsync(await api.Operator.PostAsJsonAsync("/api/roles", new { name = "x" }), HttpStatusCode.Forbidden);
        await ProblemAsync(await api.Operator.PostAsJsonAsync("/api/lists", new { name = "x" }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Tenant_users_cannot_create_tenants_or_use_ops_and_non_admins_cannot_do_admin_operations()
    {
        var t = await api.NewTenantAsync();
        var user = await api.NewUserAsync(t);
        await ProblemAsync(await t.Admin.PostAsJsonAsync("/api/tenants", new { name = "x", admin = new { name = "y", email = Email() } }), HttpStatusCode.Forbidden);
        await ProblemAsync(await user.Client.PostAsJsonAsync("/api/users", new { name = "z", email = Email() }), HttpStatusCode.Forbidden);
        await ProblemAsync(await user.Client.PatchJsonAsync($"/api/users/{user.UserId}", new { isAdmin = true }), HttpStatusCode.Forbidden);
        await ProblemAsync(await user.Client.PostAsJsonAsync("/api/roles", new { name = "r" }), HttpStatusCode.Forbidden);
        await ProblemAsync(await user.Client.GetAsync("/api/audit"), HttpStatusCode.Forbidden);
        await ProblemAsync(await user.Client.GetAsync("/api/ops/status"), HttpStatusCode.Forbidden);
        await ProblemAsync(await user.Client.PostAsync("/api/ops/projections/contacts/rebuild", null), HttpStatusCode.Forbidden);
        await ProblemAsync(await user.Client.PostAsync($"/api/users/{t.AdminId}/keys", null), HttpStatusCode.Forbidden);
        // Operations are the operator's alone: a tenant admin sees their own tenant, never the whole system.
        foreach (var client in new[] { t.Admin, user.Client })
        {
            await ProblemAsync(await client.GetAsync("/api/ops/status"), HttpStatusCode.Forbidden);
            await ProblemAsync(await client.GetAsync("/api/ops/projections/contacts"), HttpStatusCode.Forbidden);
            await ProblemAsync(await client.PostAsync("/api/ops/projections/contacts/rebuild", null), HttpStatusCode.Forbidden);
            await ProblemAsync(await client.PostAsync($"/api/ops/connections/{Guid.NewGuid()}/sync", null), HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task A_revoked_key_and_a_deactivated_users_keys_are_refused()
    {
        var t = await api.NewTenantAsync();
        var user = await api.NewUserAsync(t);
        var created = await ReadAsync(await user.Client.PostAsync($"/api/users/{user.UserId}/keys", null), HttpStatusCode.Created);
        var second = api.Client(created.GetProperty("apiKey").GetString());
        await ReadAsync(await second.GetAsync("/api/users/me"), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.DeleteAsync($"/api/users/{user.UserId}/keys/{created.GetProperty("keyId").GetGuid()}")).StatusCode);
        await ProblemAsync(await second.GetAsync("/api/users/me"), HttpStatusCode.Unauthorized);
        await ReadAsync(await user.Client.GetAsync("/api/users/me"), HttpStatusCode.OK);

        await ReadAsync(await t.Admin.PatchJsonAsync($"/api/users/{user.UserId}", new { active = false }), HttpStatusCode.OK);
        await ProblemAsync(await user.Client.GetAsync("/api/users/me"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_tenant_over_its_rate_limit_gets_429_with_Retry_After_while_other_tenants_are_served()
    {
        var address = await api.StartApiAsync(new() { ["ContactSync:Api:RateLimitBurst"] = "5", ["ContactSync:Api:RateLimitPerSecond"] = "1" });
        var busy = await api.NewTenantAsync();
        var calm = await api.NewTenantAsync();
        var client = api.Client(address, busy.AdminKey);
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 12; i++) responses.Add(await client.GetAsync("/api/users/me"));
        var limited = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        await ProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        await ReadAsync(await api.Client(address, calm.AdminKey).GetAsync("/api/users/me"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Public_documents_need_no_key_and_describe_every_endpoint()
    {
        var doc = await ReadAsync(await api.Anonymous.GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/api/tenants", "/api/roles", "/api/users", "/api/users/me", "/api/users/{id}", "/api/users/{id}/keys",
                     "/api/contacts", "/api/contacts/{id}", "/api/contacts/{id}/restore", "/api/contacts/{id}/history", "/api/lists",
                     "/api/lists/{id}", "/api/lists/{id}/contacts", "/api/audit", "/api/dashboard", "/api/ops/status",
                     "/api/ops/projections/{name}", "/api/ops/projections/{name}/rebuild", "/api/ops/connections/{id}/sync",
                     "/api/ops/connections/{id}/pause", "/api/ops/connections/{id}/resume" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is documented");
        Assert.Contains("422", doc.GetProperty("info").GetProperty("description").GetString());
        var patch = paths.GetProperty("/api/contacts/{id}").GetProperty("patch");
        Assert.False(string.IsNullOrEmpty(patch.GetProperty("summary").GetString()));
        Assert.True(patch.GetProperty("responses").TryGetProperty("412", out _));
        Assert.True(patch.GetProperty("responses").TryGetProperty("422", out _));
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous.GetAsync("/docs/index.html")).StatusCode);
    }
}
