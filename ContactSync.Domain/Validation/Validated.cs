namespace ContactSync.Domain.Validation;

/// <summary>A normalised value and the problems found on the way; use <see cref="Value"/> only when <see cref="IsValid"/>.</summary>
public sealed record Validated<T>(T Value, FieldErrors Errors)
{
    public bool IsValid => Errors.IsEmpty;
}
