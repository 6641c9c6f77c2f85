using ContactSync.Api.Auth;
using ContactSync.Api.Infrastructure;
using ContactSync.Domain.Common;
using ContactSync.Domain.Users;
using ContactSync.EventStore;
using ContactSync.Providers.Streams;
using Microsoft.Extensions.Options;
using static ContactSync.Domain.Users.UserCommand;

namespace ContactSync.Api.Users;

/// <summary>What user endpoints (and tenant creation, which creates the first admin) depend on.</summary>
public sealed record UserServices(
    IEventStore Store, DirectoryReads Directory, ApiKeyAuthenticator Keys, TimeProvider Time, IOptions<ApiOptions> Options, HttpContext Http)
{
    public Task<User> LoadAsync(Guid id, CancellationToken ct) => LoadAsync(Store, id, ct);

    public static Task<User> LoadAsync(IEventStore store, Guid id, CancellationToken ct) =>
        CommandHandler.LoadAsync(store, UserDecider.Definition, StreamNames.User(id), ct);

    /// <summary>Decides the commands in order and appends their events in one write; forgets cached keys.</summary>
    public async Task<User> AppendAsync(User state, Guid id, IEnumerable<UserCommand> commands, CancellationToken ct)
    {
        var handled = await CommandHandler.HandleAsync(Store, UserDecider.Definition, StreamNames.User(id), state, commands.Select(c => (Func<User, UserCommand>)(_ => c)), ct);
        if (handled.Position is not { } position) return state;
        Keys.ForgetAll();
        await Http.AfterWriteAsync(position, ProjectionNames.Directory);
        // Again once the directory has the change: a request in between may have cached the user as it was.
        Keys.ForgetAll();
        return handled.State;
    }

    /// <summary>Creates a user with a first API key; null when the e-mail is taken in the tenant.</summary>
    public async Task<(User User, string ApiKey)?> CreateAsync(
        Guid tenantId, string name, string email, Guid? roleId, bool isAdmin, IReadOnlyList<string> permissions, Actor actor, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        if (!await ReserveEmailAsync(tenantId, id, email, ct)) return null;
        var key = ApiKeyMaterial.Create();
        var now = Time.GetUtcNow();
        var created = false;
        try
        {
            var user = await AppendAsync(User.Initial, id,
                [new CreateUser(tenantId, id, name, email, roleId, isAdmin, permissions, actor, now), new AddApiKey(id, key.KeyId, key.Hash, actor, now)], ct);
            created = true;
            return (user, key.Key);
        }
        finally
        {
            if (!created) await EmailReservations.ReleaseAsync(Store, tenantId, email);
        }
    }

    public int WriteAttempts => Options.Value.WriteAttempts;

    public Task<bool> ReserveEmailAsync(Guid tenantId, Guid userId, string email, CancellationToken ct) =>
        EmailReservations.TryReserveAsync(Store, tenantId, userId, email,
            TimeSpan.FromSeconds(Options.Value.EmailReservationStaleSeconds), Time.GetUtcNow(), ct);
}
