using ContactSync.Api.Auth;
using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Accounts;
using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.EventStore;
using ContactSync.Providers;
using ContactSync.Providers.Accounts;
using ContactSync.Providers.Streams;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ContactSync.Api.Connections;

/// <summary>What connection endpoints depend on, bound with [AsParameters].</summary>
public sealed record ConnectionServices(
    IEventStore Store, ConnectionReads Reads, ReadModelDb Db, ProviderSessions Sessions, TimeProvider Time, IOptions<ApiOptions> Options,
    HttpContext Http)
{
    public Task<Connection> LoadAsync(Guid id, CancellationToken ct) =>
        CommandHandler.LoadAsync(Store, ConnectionDecider.Definition, StreamNames.Connection(id), ct);

    /// <summary>
    /// The connection a caller is about to change: 404 when it is missing, another tenant's, or neither theirs nor
    /// seen by an admin; 412 when If-Match names another version. The one load-check sequence of every write.
    /// </summary>
    public Task<(Connection State, ProblemHttpResult? Problem)> LoadForWriteAsync(Guid id, Caller caller, CancellationToken ct) =>
        LoadForWriteAsync(id, c => IsVisible(c, caller), ct);

    /// <summary>The same sequence with another visibility rule (the operator's: every existing connection).</summary>
    public async Task<(Connection State, ProblemHttpResult? Problem)> LoadForWriteAsync(Guid id, Func<Connection, bool> visible, CancellationToken ct)
    {
        if (!IfMatch.TryRead(Http.Request, out var pinned)) return (Connection.Initial, Problems.PreconditionFailed("If-Match must be a version as sent in ETag."));
        var state = await LoadAsync(id, ct);
        if (!visible(state)) return (state, Problems.NotFound("The connection does not exist."));
        if (pinned is { } v && v != state.Version) return (state, Problems.PreconditionFailed($"The connection is at version {state.Version}."));
        return (state, null);
    }

    public static bool IsVisible(Connection c, Caller caller) =>
        c.Exists && c.TenantId == caller.TenantId && (caller.IsAdmin || c.UserId == caller.UserId);

    /// <summary>Decides and appends; waits until the connections read model shows the change.</summary>
    public async Task<Connection> DecideAndAppendAsync(Guid id, Connection state, ConnectionCommand command, CancellationToken ct)
    {
        var handled = await CommandHandler.HandleAsync(Store, ConnectionDecider.Definition, StreamNames.Connection(id), state, command, ct);
        if (handled.Position is { } position) await Http.AfterWriteAsync(position, ProjectionNames.Connections);
        return handled.State;
    }

    /// <summary>The read model's view once it has the state's version; the stream's own view when the wait ran out.</summary>
    public async Task<ConnectionResponse> RespondAsync(Caller caller, Connection state, CancellationToken ct)
    {
        Http.Response.Headers.ETag = IfMatch.ETag(state.Version);
        return await Reads.GetAsync(caller, state.Id, ct) is { } row && row.Version >= state.Version ? row : ConnectionResponse.From(state);
    }

    public Task<Account> AccountAsync(Guid accountId, CancellationToken ct) =>
        CommandHandler.LoadAsync(Store, AccountDecider.Definition, StreamNames.Account(accountId), ct);

    /// <summary>
    /// The account's group with this id, asked of the provider: a validation problem when the account has no such
    /// group, and the answers of the accounts' groups endpoint when the provider cannot be asked.
    /// </summary>
    public async Task<(ProviderGroup? Group, ProblemHttpResult? Problem)> FindGroupAsync(Caller caller, Guid accountId, string groupId, CancellationToken ct)
    {
        var (groups, problem) = await AskProviderAsync(caller, accountId, p => p.ListGroupsAsync(ct), ct);
        if (problem is not null) return (null, problem);
        return groups!.FirstOrDefault(g => g.Id == groupId) is { } group
            ? (group, null)
            : (null, Problems.Validation("group.id", "Is not a contact group (folder) of this account; see GET /api/accounts/{id}/groups."));
    }

    /// <summary>
    /// Asks the account's provider, with the accounts API's answers when it cannot be asked: 404 for an account that is
    /// gone, 409 when its grant was refused, 503 with Retry-After while throttled, 502 when the provider fails.
    /// </summary>
    public async Task<(T? Value, ProblemHttpResult? Problem)> AskProviderAsync<T>(Caller caller, Guid accountId, Func<IContactProvider, Task<T>> ask, CancellationToken ct)
    {
        try
        {
            return (await ask(await Sessions.OpenAsync(caller.TenantId, accountId, ct)), null);
        }
        catch (AccountUnavailableException)
        {
            return (default, Problems.NotFound("The account does not exist."));
        }
        catch (ReauthRequiredException)
        {
            return (default, Problems.Conflict("The account needs to be connected again (its grant was refused).", "account.needs-reauth"));
        }
        catch (ProviderThrottledException e)
        {
            Http.Response.Headers.RetryAfter = ((int)Math.Ceiling(e.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (default, Problems.Status(503, "Service unavailable", "The provider is throttling this account; retry later.", "account.provider-throttled"));
        }
        catch (ProviderException)
        {
            return (default, Problems.Status(502, "Bad gateway", "The provider could not be read; try again later.", "account.provider-unavailable"));
        }
    }

    public async Task<IReadOnlyList<string>> PermissionsAsync(Caller caller, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand("SELECT permissions FROM rm.users WHERE tenant_id = $1 AND user_id = $2 AND active");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.TenantId });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = caller.UserId });
        return await cmd.ExecuteScalarAsync(ct) is string[] permissions ? permissions : [];
    }

    public Task<T> WithRetriesAsync<T>(Func<Task<T>> attempt) => WriteRetries.WithRetriesAsync(Http, Options.Value.WriteAttempts, attempt);

    public DateTimeOffset Now => Time.GetUtcNow();
}
