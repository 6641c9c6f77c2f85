using System.Text.Json;
using ContactSync.Domain.Common;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Validation;

namespace ContactSync.Api.Connections;

/// <summary>
/// A connection create body (<c>{accountId, scope, listId?, group?, ...settings}</c>) or a settings patch, checked
/// member by member: unknown members, wrong types and unknown values are field errors (never a 500), absent
/// settings take product.md's defaults on create and stay as they are on a patch.
/// </summary>
public sealed record ConnectionBody
{
    public const int MaxGroupIdLength = 1024;

    public Guid AccountId { get; init; }
    public ConnectionScope Scope { get; init; }
    public Guid? ListId { get; init; }
    public string? GroupId { get; init; }
    public string? GroupName { get; init; }
    public Optional<SyncDirection> Direction { get; init; }
    public Optional<ProviderDeletes> ProviderDeletes { get; init; }
    public Optional<ConflictPolicy> Conflicts { get; init; }
    public Optional<ContactVisibility> Visibility { get; init; }
    public Optional<MatchBy> MatchBy { get; init; }
    public Optional<int> PollSeconds { get; init; }

    private static readonly HashSet<string> Fixed = ["accountId", "scope", "listId", "group"];

    public ConnectionSettings ApplyTo(ConnectionSettings s) => new(
        Direction.GetValueOrDefault(s.Direction), ProviderDeletes.GetValueOrDefault(s.ProviderDeletes), Conflicts.GetValueOrDefault(s.Conflicts),
        Visibility.GetValueOrDefault(s.Visibility), MatchBy.GetValueOrDefault(s.MatchBy), PollSeconds.GetValueOrDefault(s.PollSeconds));

    public static ConnectionBody Parse(JsonElement body, bool create, FieldErrors errors)
    {
        var c = new ConnectionBody();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("", "The body must be a JSON object.");
            return c;
        }
        bool hasAccount = false, hasScope = false, hasList = false;
        foreach (var m in body.EnumerateObject())
        {
            var v = m.Value;
            if (!create && Fixed.Contains(m.Name))
            {
                errors.Add(m.Name, "Cannot be changed; disconnect and create a new connection.");
                continue;
            }
            switch (m.Name)
            {
                case "accountId":
                    hasAccount = true;
                    if (Id(v, m.Name, errors) is { } account) c = c with { AccountId = account };
                    break;
                case "scope":
                    hasScope = true;
                    if (Wire<ConnectionScope>(v, m.Name, errors) is { } scope) c = c with { Scope = scope };
                    break;
                case "listId":
                    hasList = v.ValueKind != JsonValueKind.Null;
                    if (hasList) c = c with { ListId = Id(v, m.Name, errors) };
                    break;
                case "group":
                    c = Group(c, v, errors);
                    break;
                case "direction": c = c with { Direction = Opt(Wire<SyncDirection>(v, m.Name, errors)) }; break;
                case "providerDeletes": c = c with { ProviderDeletes = Opt(Wire<ProviderDeletes>(v, m.Name, errors)) }; break;
                case "conflicts": c = c with { Conflicts = Opt(Wire<ConflictPolicy>(v, m.Name, errors)) }; break;
                case "matchBy": c = c with { MatchBy = Opt(Wire<MatchBy>(v, m.Name, errors)) }; break;
                case "visibility":
                    if (v.ValueKind == JsonValueKind.String && ContactVisibilityNames.TryParse(v.GetString(), out var visibility))
                        c = c with { Visibility = visibility };
                    else errors.Add(m.Name, $"Must be one of: {string.Join(", ", ContactVisibilityNames.All)}.");
                    break;
                case "pollSeconds":
                    if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var seconds)
                        && seconds is >= ConnectionSettings.MinPollSeconds and <= ConnectionSettings.MaxPollSeconds)
                        c = c with { PollSeconds = seconds };
                    else errors.Add(m.Name, $"Must be a whole number of seconds from {ConnectionSettings.MinPollSeconds} to {ConnectionSettings.MaxPollSeconds}.");
                    break;
                default:
                    errors.Add(m.Name, create ? "Is not a connection field." : "Is not a connection setting.");
                    break;
            }
        }
        if (!create) return c;
        if (!hasAccount) errors.Add("accountId", "Is required.");
        if (!hasScope) errors.Add("scope", "Is required.");
        else if (c.Scope == ConnectionScope.List && !hasList && errors.For("scope").Count == 0) errors.Add("listId", "Is required for scope list.");
        else if (c.Scope == ConnectionScope.Owned && hasList && errors.For("scope").Count == 0) errors.Add("listId", "Must be absent for scope owned.");
        return c;
    }

    private static ConnectionBody Group(ConnectionBody c, JsonElement v, FieldErrors errors)
    {
        if (v.ValueKind == JsonValueKind.Null) return c;
        if (v.ValueKind != JsonValueKind.Object)
        {
            errors.Add("group", "Must be an object {id?, name?}.");
            return c;
        }
        foreach (var m in v.EnumerateObject())
        {
            var field = "group." + m.Name;
            switch (m.Name)
            {
                case "id" when m.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "id" when m.Value.ValueKind == JsonValueKind.String:
                    var id = TextInput.Required(m.Value.GetString(), field, MaxGroupIdLength, errors);
                    if (errors.For(field).Count == 0) c = c with { GroupId = id };
                    break;
                case "id":
                    errors.Add(field, "Must be a string (a provider group id).");
                    break;
                case "name" when m.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "name" when m.Value.ValueKind == JsonValueKind.String:
                    var name = EntityNames.Normalize(m.Value.GetString(), field);
                    foreach (var (f, messages) in name.Errors.ToDictionary()) foreach (var msg in messages) errors.Add(f, msg);
                    if (name.IsValid) c = c with { GroupName = name.Value };
                    break;
                case "name":
                    errors.Add(field, "Must be a string.");
                    break;
                default:
                    errors.Add(field, "Is not a group field (id, name).");
                    break;
            }
        }
        return c;
    }

    private static Guid? Id(JsonElement v, string field, FieldErrors errors)
    {
        if (v.ValueKind == JsonValueKind.String && Guid.TryParse(v.GetString(), out var id)) return id;
        errors.Add(field, "Must be an id (a UUID string).");
        return null;
    }

    private static T? Wire<T>(JsonElement v, string field, FieldErrors errors) where T : struct, Enum
    {
        if (v.ValueKind == JsonValueKind.String && WireNames<T>.TryParse(v.GetString(), out var value)) return value;
        errors.Add(field, $"Must be one of: {string.Join(", ", WireNames<T>.All)}.");
        return null;
    }

    private static Optional<T> Opt<T>(T? value) where T : struct => value is { } v ? new Optional<T>(v) : default;
}
