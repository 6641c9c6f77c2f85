using System.Text.Json;

namespace ContactSync.Domain.Contacts;

/// <summary>
/// One field's change, <c>{field, from, to}</c>, with the values as JSON (the same camelCase shape as the API),
/// so history and audit need no knowledge of the field's type. A cleared or unset value is JSON <c>null</c>.
/// </summary>
public sealed record FieldChange(string Field, JsonElement From, JsonElement To)
{
    // JsonElement compares by document reference; changes are compared by value.
    public bool Equals(FieldChange? other) =>
        other is not null && Field == other.Field && JsonElement.DeepEquals(From, other.From) && JsonElement.DeepEquals(To, other.To);

    public override int GetHashCode() => Field.GetHashCode(StringComparison.Ordinal);
}
