namespace ContactSync.EventStore;

/// <summary>The name of a stream, e.g. <c>Contact-0193...</c>. Category = the part before the first dash.</summary>
public readonly record struct StreamName
{
    /// <summary>Creates a stream name; it must be non-empty and not start with <c>$$</c> (reserved for metadata).</summary>
    public StreamName(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (value.StartsWith("$$", StringComparison.Ordinal))
            throw new ArgumentException("Stream names starting with $$ are reserved for stream metadata.", nameof(value));
        Value = value;
    }

    /// <summary>The stream name as stored.</summary>
    public string Value { get; }

    /// <summary>The category: the part of the name before the first dash.</summary>
    public string Category => Value.IndexOf('-') is var i and > 0 ? Value[..i] : Value;

    /// <summary>Builds <c>{category}-{id}</c>, the conventional name of one aggregate's stream.</summary>
    public static StreamName For(string category, string id) => new($"{category}-{id}");

    /// <summary>Builds <c>{typeof(T).Name}-{id}</c>.</summary>
    public static StreamName For<T>(Guid id) => For(typeof(T).Name, id.ToString("D"));

    /// <inheritdoc/>
    public override string ToString() => Value;

    /// <summary>Converts a string to a stream name.</summary>
    public static implicit operator StreamName(string value) => new(value);
}
