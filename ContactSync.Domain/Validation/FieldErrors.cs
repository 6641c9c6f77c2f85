namespace ContactSync.Domain.Validation;

/// <summary>
/// Validation problems by field path (<c>name.given</c>, <c>emails[2].value</c>, <c>tags</c>), in the shape
/// ASP.NET Core's <c>ValidationProblem</c> takes. Messages never echo the rejected input.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool IsEmpty => errors.Count == 0;

    public IEnumerable<string> Fields => errors.Keys;

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var messages))
        {
            errors[field] = messages = [];
        }
        if (!messages.Contains(message))
        {
            messages.Add(message);
        }
    }

    public IReadOnlyList<string> For(string field) => errors.TryGetValue(field, out var messages) ? messages : [];

    public Dictionary<string, string[]> ToDictionary() =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public override string ToString() => string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}
