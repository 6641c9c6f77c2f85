using System.Text.Json.Serialization;
using ContactSync.Domain.Contacts;

namespace ContactSync.Domain.Connections;

[JsonConverter(typeof(JsonStringEnumConverter<SyncDirection>))]
public enum SyncDirection
{
    [JsonStringEnumMemberName("two-way")] TwoWay,
    [JsonStringEnumMemberName("to-provider")] ToProvider,
    [JsonStringEnumMemberName("from-provider")] FromProvider,
}

/// <summary>What a delete at the provider does in the CRM: <c>keep</c> ends the link only; <c>delete</c> soft-deletes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProviderDeletes>))]
public enum ProviderDeletes
{
    [JsonStringEnumMemberName("keep")] Keep,
    [JsonStringEnumMemberName("delete")] Delete,
}

/// <summary>Who wins a field changed on both sides since the last agreed state.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConflictPolicy>))]
public enum ConflictPolicy
{
    [JsonStringEnumMemberName("last-writer-wins")] LastWriterWins,
    [JsonStringEnumMemberName("crm-wins")] CrmWins,
    [JsonStringEnumMemberName("provider-wins")] ProviderWins,
}

[JsonConverter(typeof(JsonStringEnumConverter<MatchBy>))]
public enum MatchBy
{
    [JsonStringEnumMemberName("email")] Email,
    [JsonStringEnumMemberName("none")] None,
}

/// <summary>The CRM side of a connection: one list, or the contacts the connection's user owns.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConnectionScope>))]
public enum ConnectionScope
{
    [JsonStringEnumMemberName("list")] List,
    [JsonStringEnumMemberName("owned")] Owned,
}

/// <summary>A connection's settings (product.md, "Connection settings"); <see cref="Default"/> is that table's defaults.</summary>
public sealed record ConnectionSettings(
    SyncDirection Direction,
    ProviderDeletes ProviderDeletes,
    ConflictPolicy Conflicts,
    ContactVisibility Visibility,
    MatchBy MatchBy,
    int PollSeconds)
{
    public const int MinPollSeconds = 15;
    public const int MaxPollSeconds = 86_400;

    public static readonly ConnectionSettings Default =
        new(SyncDirection.TwoWay, ProviderDeletes.Keep, ConflictPolicy.LastWriterWins, ContactVisibility.Owner, MatchBy.Email, 60);

    public bool PushesToProvider => Direction != SyncDirection.FromProvider;

    public bool PullsFromProvider => Direction != SyncDirection.ToProvider;

    public bool IsValid => PollSeconds is >= MinPollSeconds and <= MaxPollSeconds
        && Enum.IsDefined(Direction) && Enum.IsDefined(ProviderDeletes) && Enum.IsDefined(Conflicts)
        && Enum.IsDefined(Visibility) && Enum.IsDefined(MatchBy);
}
