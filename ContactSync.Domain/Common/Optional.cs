namespace ContactSync.Domain.Common;

/// <summary>
/// A patch value: absent (leave the field alone) or present, where present may be an explicit null (clear it).
/// <c>default</c> is absent, so patch records only name the fields they change. Build a present value with
/// <c>new Optional&lt;T&gt;(value)</c> or an implicit conversion (C# allows none from interface types such as lists).
/// </summary>
public readonly record struct Optional<T>
{
    private readonly T value;

    public Optional(T value)
    {
        this.value = value;
        HasValue = true;
    }

    public bool HasValue { get; }

    public T Value => HasValue ? value : throw new InvalidOperationException("The optional value is absent.");

    public static Optional<T> Absent => default;

    public T GetValueOrDefault(T fallback) => HasValue ? value : fallback;

    public static implicit operator Optional<T>(T value) => new(value);

    public override string ToString() => HasValue ? $"Some({value})" : "Absent";
}
