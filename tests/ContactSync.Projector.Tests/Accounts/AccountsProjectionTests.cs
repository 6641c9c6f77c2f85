using ContactSync.Domain.Accounts;
using ContactSync.Projector.Tests.Support;
using ContactSync.Testing;
using static ContactSync.Domain.Accounts.AccountCommand;

namespace ContactSync.Projector.Tests.Accounts;

[Collection(PostgresCollection.Name)]
public sealed class AccountsProjectionTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Accounts_are_projected_with_owner_provider_email_and_status_but_never_the_grant()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        await scope.StartProjectorAsync();
        var w = scope.Writer;
        var (tenant, user) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var (google, microsoft, gone) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var grant = new SealedSecret("k1", "c2VhbGVkLWdyYW50");
        await w.Account(google, new ConnectAccount(tenant, google, user, "google", "ada@gmail.test", grant, DomainWriter.Admin, w.Tick()));
        await w.Account(google, new RequireReauth(google, grant, "Google refused the grant.", DomainWriter.Admin, w.Tick()));
        await w.Account(microsoft, new ConnectAccount(tenant, microsoft, user, "microsoft", "ada@outlook.test", grant, DomainWriter.Admin, w.Tick()));
        await w.Account(microsoft, new RequireReauth(microsoft, grant, "revoked", DomainWriter.Admin, w.Tick()));
        await w.Account(microsoft, new ConnectAccount(tenant, microsoft, user, "microsoft", "ada@outlook.test", grant with { KeyId = "k2" }, DomainWriter.Admin, w.Tick()));
        await w.Account(gone, new ConnectAccount(tenant, gone, user, "google", "old@gmail.test", grant, DomainWriter.Admin, w.Tick()));
        await w.Account(gone, new DisconnectAccount(gone, DomainWriter.Admin, w.Tick()));

        await scope.WaitForProjectionsAsync("accounts");

        var rows = await scope.RowsAsync(
            "SELECT email, provider, user_id, status, reauth_message, version FROM rm.accounts WHERE tenant_id = $1 ORDER BY email", tenant);
        Assert.Equal([
            ["ada@gmail.test", "google", user, "needs-reauth", "Google refused the grant.", 1L],
            ["ada@outlook.test", "microsoft", user, "active", null, 2L],
            ["old@gmail.test", "google", user, "disconnected", null, 1L],
        ], rows);
        Assert.Equal(0L, await scope.ScalarAsync<long>("SELECT count(*) FROM rm.accounts WHERE to_jsonb(accounts)::text LIKE '%c2VhbGVk%'"));
    }
}
