using ContactSync.Domain.Accounts;
using ContactSync.Domain.Common;
using ContactSync.EventStore;
using ContactSync.EventStore.Projections;
using ContactSync.Projector.Projections;
using Npgsql;

namespace ContactSync.Projector.Accounts;

/// <summary>
/// Provider accounts as their users list them (<c>rm.accounts</c>). The sealed grant stays in the account's stream:
/// the row has what a list and the connections need (owner, provider, e-mail, status, the re-auth message).
/// </summary>
internal sealed class AccountsProjection(ProjectionTables tables, ILogger logger) : IPostgresProjection
{
    public static readonly ProjectionDefinition Definition = new("accounts",
    [
        new("accounts", """
            account_id uuid PRIMARY KEY, tenant_id uuid NOT NULL, user_id uuid NOT NULL, provider text NOT NULL,
            email text NOT NULL, status text NOT NULL, reauth_message text NULL, version bigint NOT NULL
            """, ["tenant_id, user_id"]),
    ],
        EventFilter.StreamPrefix(StreamNames.AccountCategory + "-"),
        (t, logs) => new AccountsProjection(t, logs.CreateLogger<AccountsProjection>()));

    public EventFilter? Filter => Definition.Filter;

    public async Task ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<RecordedEvent> events, CancellationToken ct)
    {
        var accountEvents = DomainEvents.Read(events, logger).Select(e => e.Event).OfType<AccountEvent>().ToList();
        if (accountEvents.Count == 0) return;
        var accounts = (await Rows.LoadAsync<AccountRow>(conn, tx, tables["accounts"], "account_id",
            accountEvents.Select(e => e.AccountId).ToHashSet(), ct)).ToDictionary(r => r.AccountId, r => r.ToState());
        foreach (var e in accountEvents)
            accounts[e.AccountId] = Account.Evolve(accounts.GetValueOrDefault(e.AccountId, Account.Initial), e);
        await Rows.UpsertAsync(conn, tx, tables["accounts"], "account_id", [.. accounts.Values.Where(a => a.Exists).Select(AccountRow.From)], ct);
    }
}

internal sealed record AccountRow(
    Guid AccountId, Guid TenantId, Guid UserId, string Provider, string Email, string Status, string? ReauthMessage, long Version)
{
    public Account ToState() => new(AccountId, TenantId, UserId, Provider, Email, null, Status switch
    {
        "needs-reauth" => AccountStatus.NeedsReauth,
        "disconnected" => AccountStatus.Disconnected,
        _ => AccountStatus.Active,
    }, ReauthMessage, Version);

    public static AccountRow From(Account a) =>
        new(a.Id, a.TenantId, a.UserId, a.Provider, a.Email, Account.StatusName(a.Status), a.ReauthMessage, a.Version);
}
