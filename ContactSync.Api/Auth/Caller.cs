using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;

namespace ContactSync.Api.Auth;

/// <summary>
/// Who is calling, resolved from the API key before any endpoint runs: a user of one tenant, or the operator.
/// Handlers take it as a parameter (bound from the request features).
/// </summary>
public sealed record Caller(Guid TenantId, Guid UserId, string Name, Guid? RoleId, bool IsAdmin, bool IsOperator)
{
    public static readonly Caller Operator = new(Guid.Empty, Guid.Empty, "operator", null, false, true);

    /// <summary>The strict ancestors of <see cref="RoleId"/> in the tenant's role tree (in no particular order).</summary>
    public Guid[] RoleAncestors { get; init; } = [];

    public Viewer Viewer => new(TenantId, UserId, RoleId, IsAdmin);

    public Actor Actor => IsOperator ? Actor.ForSystem("operator") : Actor.ForUser(UserId, Name);

    public static ValueTask<Caller?> BindAsync(HttpContext context) => ValueTask.FromResult(context.Features.Get<Caller>());
}
