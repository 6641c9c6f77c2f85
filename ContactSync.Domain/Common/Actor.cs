using System.Text.Json.Serialization;

namespace ContactSync.Domain.Common;

[JsonConverter(typeof(JsonStringEnumConverter<ActorKind>))]
public enum ActorKind
{
    [JsonStringEnumMemberName("user")] User,
    [JsonStringEnumMemberName("connection")] Connection,
    [JsonStringEnumMemberName("system")] System,
}

/// <summary>
/// Who caused a change: a user, a sync connection (so a change that came from Google or Outlook names the
/// connection and, through it, the provider account), or the system itself. The name is copied into every event
/// so that history reads well even after the user or connection is renamed or gone.
/// </summary>
public sealed record Actor(ActorKind Kind, string Id, string Name)
{
    public static Actor ForUser(Guid userId, string name) => new(ActorKind.User, userId.ToString(), name);

    public static Actor ForConnection(Guid connectionId, string name) => new(ActorKind.Connection, connectionId.ToString(), name);

    public static Actor ForSystem(string name) => new(ActorKind.System, "system", name);
}
