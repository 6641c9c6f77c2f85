using System.Text.Json;
using System.Text.Json.Serialization;
using ContactSync.Domain.Serialization;

namespace ContactSync.Projector.Projections;

/// <summary>Writes a domain value inside a snake_case row exactly as the domain serialises it (camelCase, wire names).</summary>
internal sealed class DomainJsonConverter<T> : JsonConverter<T>
{
    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<T>(ref reader, DomainJson.Options);

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, DomainJson.Options);
}
