namespace ContactSync.Domain.Users;

/// <summary>
/// A user of one tenant. E-mail uniqueness within the tenant is not checked here (one stream cannot see the
/// others): the API checks it against the users read model, whose unique index on (tenant, lower(email)) is the
/// final guard. A deactivated user keeps its history but every API key of it is refused.
/// </summary>
public sealed record User(
    Guid Id, Guid TenantId, string Name, string Email, Guid? RoleId, bool IsAdmin,
    IReadOnlyList<string> Permissions, IReadOnlyList<ApiKey> ApiKeys, bool Active, long Version)
{
    public static readonly User Initial = new(Guid.Empty, Guid.Empty, "", "", null, false, [], [], false, -1);

    public bool Exists => Version >= 0;

    public bool Has(string permission) => Permissions.Contains(permission, StringComparer.Ordinal);

    /// <summary>The active key with this hash, if the user is active.</summary>
    public ApiKey? FindActiveKey(string hash) =>
        Active ? ApiKeys.FirstOrDefault(k => k.RevokedAt is null && string.Equals(k.Hash, hash, StringComparison.Ordinal)) : null;

    public static User Evolve(User state, UserEvent @event) =>
        ((state, @event) switch
        {
            (_, UserEvent.UserCreated e) => new User(e.UserId, e.TenantId, e.Name, e.Email, e.RoleId, e.IsAdmin, e.Permissions, [], true, state.Version),
            (_, UserEvent.UserRenamed e) => state with { Name = e.Name },
            (_, UserEvent.UserEmailChanged e) => state with { Email = e.Email },
            (_, UserEvent.UserRoleChanged e) => state with { RoleId = e.RoleId },
            (_, UserEvent.UserAdminChanged e) => state with { IsAdmin = e.IsAdmin },
            (_, UserEvent.UserPermissionsChanged e) => state with { Permissions = e.Permissions },
            (_, UserEvent.UserApiKeyAdded e) => state with { ApiKeys = [.. state.ApiKeys, new ApiKey(e.KeyId, e.Hash, e.At, null)] },
            (_, UserEvent.UserApiKeyRevoked e) => state with
            {
                ApiKeys = [.. state.ApiKeys.Select(k => k.KeyId == e.KeyId ? k with { RevokedAt = e.At } : k)],
            },
            (_, UserEvent.UserDeactivated) => state with { Active = false },
            _ => state,
        }) with
        { Version = state.Version + 1 };

    public static User Fold(IEnumerable<UserEvent> events) => events.Aggregate(Initial, Evolve);
}
