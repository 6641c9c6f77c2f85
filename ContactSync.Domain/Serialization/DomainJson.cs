using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ContactSync.Domain.Serialization;

/// <summary>
/// The JSON shape of domain events and values: camelCase, enums by their wire names, nulls written out so a
/// stored event reads back exactly. Event data carries no type information of its own (the store keeps the type
/// name beside it); when an event is written through its base type (<c>ContactEvent</c>) the discriminator
/// <c>"$type"</c> holds its <see cref="EventTypeMap"/> name, never a CLR name.
/// </summary>
public static class DomainJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>The stored type name and UTF-8 JSON of an event.</summary>
    public static (string Type, byte[] Data) Serialize(object @event) =>
        (EventTypeMap.NameOf(@event), JsonSerializer.SerializeToUtf8Bytes(@event, @event.GetType(), Options));

    /// <summary>The event stored under <paramref name="type"/>; throws <see cref="ArgumentException"/> for an unknown name.</summary>
    public static object Deserialize(string type, ReadOnlySpan<byte> data) =>
        EventTypeMap.TryGetType(type, out var clrType)
            ? JsonSerializer.Deserialize(data, clrType, Options) ?? throw new JsonException($"Event {type} is JSON null.")
            : throw new ArgumentException($"Unknown event type '{type}'.", nameof(type));

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { UseMappedDiscriminators } },
            RespectNullableAnnotations = false,
            UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
        };
        options.MakeReadOnly();
        return options;
    }

    private static void UseMappedDiscriminators(JsonTypeInfo info)
    {
        var derived = EventTypeMap.ByType.Where(e => e.Key.BaseType == info.Type).ToList();
        if (derived.Count == 0 || info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }
        info.PolymorphismOptions = new JsonPolymorphismOptions
        {
            TypeDiscriminatorPropertyName = "$type",
            UnknownDerivedTypeHandling = System.Text.Json.Serialization.JsonUnknownDerivedTypeHandling.FailSerialization,
        };
        foreach (var (type, name) in derived)
        {
            info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type, name));
        }
    }
}
