using System.Text.Json;
using ContactSync.Api.Auth;
using ContactSync.Domain.Common;
using ContactSync.Domain.Users;
using ContactSync.Domain.Validation;

namespace ContactSync.Api.Users;

/// <summary>
/// The fields of a user create or patch body, cleaned and checked, keeping "absent" apart from "null" (a patch
/// with <c>"roleId": null</c> removes the role). Type errors are field errors too.
/// </summary>
public sealed record UserBody
{
    public Optional<string> Name { get; init; }
    public Optional<string> Email { get; init; }
    public Optional<Guid?> RoleId { get; init; }
    public Optional<bool> IsAdmin { get; init; }
    public Optional<IReadOnlyList<string>> Permissions { get; init; }
    public Optional<bool> Active { get; init; }

    public static UserBody Parse(JsonElement body, bool create, FieldErrors errors)
    {
        var user = new UserBody();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("", "The body must be a JSON object.");
            return user;
        }
        foreach (var m in body.EnumerateObject())
        {
            var v = m.Value;
            user = m.Name switch
            {
                "name" => user with { Name = Text(v, "name", errors) is { } n ? Clean(EntityNames.Normalize(n), errors) : default },
                "email" => user with { Email = Text(v, "email", errors) is { } e ? CleanEmail(e, errors) : default },
                "roleId" => user with { RoleId = v.ValueKind == JsonValueKind.Null ? new Optional<Guid?>(null) : Id(v, errors) },
                "isAdmin" when v.ValueKind is JsonValueKind.True or JsonValueKind.False => user with { IsAdmin = v.GetBoolean() },
                "active" when !create && v.ValueKind is JsonValueKind.False => user with { Active = false },
                "permissions" => user with { Permissions = PermissionList(v, errors) },
                "isAdmin" => Error(user, "isAdmin", "Must be true or false.", errors),
                "active" => Error(user, "active", create ? "Is not a field of a new user." : "Only false (deactivate) is accepted.", errors),
                "id" or "version" => user,
                _ => Error(user, m.Name, "Is not a user field.", errors),
            };
        }
        if (create && !user.Name.HasValue && errors.For("name").Count == 0) errors.Add("name", "Is required.");
        if (create && !user.Email.HasValue && errors.For("email").Count == 0) errors.Add("email", "Is required.");
        return user;
    }

    private static string? Text(JsonElement v, string field, FieldErrors errors)
    {
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        errors.Add(field, "Must be a string.");
        return null;
    }

    private static Optional<string> Clean(Validated<string> name, FieldErrors errors)
    {
        foreach (var (f, messages) in name.Errors.ToDictionary()) foreach (var msg in messages) errors.Add(f, msg);
        return name.IsValid ? new Optional<string>(name.Value) : default;
    }

    /// <summary>Trimmed and NFC like any text, then the e-mail syntax rules; the typed case is kept.</summary>
    public static Optional<string> CleanEmail(string? email, FieldErrors errors, string field = "email")
    {
        var local = new FieldErrors();
        var clean = TextInput.Required(email, field, Limits.EmailAddress, local);
        if (local.IsEmpty && EmailSyntax.Check(clean) is { } problem) local.Add(field, problem);
        foreach (var (f, messages) in local.ToDictionary()) foreach (var msg in messages) errors.Add(f, msg);
        return local.IsEmpty ? new Optional<string>(clean) : default;
    }

    private static Optional<Guid?> Id(JsonElement v, FieldErrors errors)
    {
        if (v.ValueKind == JsonValueKind.String && v.TryGetGuid(out var id)) return new Optional<Guid?>(id);
        errors.Add("roleId", "Must be a role id or null.");
        return default;
    }

    private static Optional<IReadOnlyList<string>> PermissionList(JsonElement v, FieldErrors errors)
    {
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() > Limits.Permissions ||
            v.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.String || !Domain.Users.Permissions.IsKnown(p.GetString()!)))
        {
            errors.Add("permissions", $"Must be a list of: {string.Join(", ", Domain.Users.Permissions.All)}.");
            return default;
        }
        return new Optional<IReadOnlyList<string>>([.. v.EnumerateArray().Select(p => p.GetString()!)]);
    }

    private static UserBody Error(UserBody user, string field, string message, FieldErrors errors)
    {
        errors.Add(field, message);
        return user;
    }
}

/// <summary>A user as the API shows it.</summary>
public sealed record UserResponse(Guid Id, string Name, string Email, Guid? RoleId, bool IsAdmin, IReadOnlyList<string> Permissions, bool Active, long Version)
{
    public static UserResponse From(User u) => new(u.Id, u.Name, u.Email, u.RoleId, u.IsAdmin, u.Permissions, u.Active, u.Version);
}

/// <summary>A new user and its first API key (shown once).</summary>
public sealed record CreatedUserResponse(UserResponse User, string ApiKey);

/// <summary>A new API key (shown once) and its id (to revoke it).</summary>
public sealed record ApiKeyResponse(string ApiKey, Guid KeyId);

internal static class CallerExtensions
{
    public static bool IsSelfOrAdmin(this Caller caller, Guid userId) => caller.IsAdmin || caller.UserId == userId;
}
