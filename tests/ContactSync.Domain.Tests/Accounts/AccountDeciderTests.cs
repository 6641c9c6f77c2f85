using ContactSync.Domain.Accounts;
using ContactSync.Domain.Common;
using ContactSync.Domain.Tests.Support;
using static ContactSync.Domain.Accounts.AccountCommand;
using static ContactSync.Domain.Accounts.AccountEvent;

namespace ContactSync.Domain.Tests.Accounts;

public sealed class AccountDeciderTests
{
    private readonly Guid tenant = Guid.CreateVersion7();
    private readonly Guid id = Guid.CreateVersion7();
    private readonly Guid user = Guid.CreateVersion7();
    private readonly Actor actor = Fakes.User();
    private readonly DateTimeOffset at = Fakes.T0;
    private readonly SealedSecret grant = new("k1", "c2VhbGVk");
    private readonly SealedSecret next = new("k2", "bmV4dA==");

    private AccountConnected Connected => new(tenant, id, user, "google", "ada@gmail.test", grant, actor, at);

    private ConnectAccount Connect(SealedSecret g, string email = "ada@gmail.test") => new(tenant, id, user, "google", email, g, actor, at);

    [Fact]
    public void A_first_consent_connects_the_account() =>
        Specs.Account().When(Connect(grant)).Then(Connected);

    [Fact]
    public void A_consent_for_an_unknown_provider_is_refused() =>
        Specs.Account().When(Connect(grant) with { Provider = "yahoo" }).Throws("account.provider-unknown");

    [Fact]
    public void Connecting_the_same_email_again_renews_the_grant() =>
        Specs.Account().Given(Connected).When(Connect(next, "ADA@gmail.test")).Then(new AccountGrantRenewed(tenant, id, next, actor, at));

    [Fact]
    public void Connecting_another_email_onto_an_account_is_refused() =>
        Specs.Account().Given(Connected).When(Connect(next, "bob@gmail.test")).Throws("account.already-exists");

    [Fact]
    public void A_refused_grant_requires_reauth_once() =>
        Specs.Account().Given(Connected, new AccountReauthRequired(tenant, id, "revoked", actor, at))
            .When(new RequireReauth(id, grant, "revoked again", actor, at)).Then();

    [Fact]
    public void A_refusal_of_a_grant_already_replaced_is_ignored() =>
        Specs.Account().Given(Connected, new AccountGrantRenewed(tenant, id, next, actor, at))
            .When(new RequireReauth(id, grant, "revoked", actor, at)).Then();

    [Fact]
    public void A_refusal_of_the_current_grant_requires_reauth() =>
        Specs.Account().Given(Connected).When(new RequireReauth(id, grant, "revoked", actor, at))
            .Then(new AccountReauthRequired(tenant, id, "revoked", actor, at));

    [Fact]
    public void Reconnecting_clears_needs_reauth()
    {
        var state = Account.Fold([Connected, new AccountReauthRequired(tenant, id, "revoked", actor, at), new AccountGrantRenewed(tenant, id, next, actor, at)]);
        Assert.Equal(AccountStatus.Active, state.Status);
        Assert.Null(state.ReauthMessage);
        Assert.Equal(next, state.Grant);
    }

    [Fact]
    public void Disconnecting_forgets_the_grant_and_a_second_disconnect_does_nothing()
    {
        Specs.Account().Given(Connected).When(new DisconnectAccount(id, actor, at)).Then(new AccountDisconnected(tenant, id, actor, at));
        Specs.Account().Given(Connected, new AccountDisconnected(tenant, id, actor, at)).When(new DisconnectAccount(id, actor, at)).Then();
        Assert.Null(Account.Fold([Connected, new AccountDisconnected(tenant, id, actor, at)]).Grant);
    }

    [Fact]
    public void A_disconnected_account_takes_no_new_grant() =>
        Specs.Account().Given(Connected, new AccountDisconnected(tenant, id, actor, at)).When(Connect(next)).Throws("account.disconnected");

    [Fact]
    public void Commands_on_a_missing_account_are_refused() =>
        Specs.Account().When(new DisconnectAccount(id, actor, at)).Throws("account.not-found");
}
