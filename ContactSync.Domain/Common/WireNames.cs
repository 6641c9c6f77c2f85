using System.Reflection;
using System.Text.Json.Serialization;

namespace ContactSync.Domain.Common;

/// <summary>
/// The wire names of an enum, read once from its <see cref="JsonStringEnumMemberNameAttribute"/>s, so JSON, query
/// strings and validation messages use the same exact names (lower-case, dashes) and a number never parses.
/// </summary>
public static class WireNames<T> where T : struct, Enum
{
    private static readonly (T Value, string Name)[] Names =
        [.. typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => ((T)f.GetValue(null)!, f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name))];

    public static IReadOnlyList<string> All { get; } = [.. Names.Select(n => n.Name)];

    public static string ToName(T value) => Names.First(n => EqualityComparer<T>.Default.Equals(n.Value, value)).Name;

    public static bool TryParse(string? name, out T value)
    {
        foreach (var (v, wire) in Names)
        {
            if (wire == name)
            {
                value = v;
                return true;
            }
        }
        value = default;
        return false;
    }
}
