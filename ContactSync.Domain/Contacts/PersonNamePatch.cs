using ContactSync.Domain.Common;

namespace ContactSync.Domain.Contacts;

/// <summary>The name part of a <see cref="ContactPatch"/>: each part absent, set, or explicitly cleared.</summary>
public sealed record PersonNamePatch
{
    public Optional<string?> Given { get; init; }
    public Optional<string?> Middle { get; init; }
    public Optional<string?> Family { get; init; }
    public Optional<string?> Prefix { get; init; }
    public Optional<string?> Suffix { get; init; }
    public Optional<string?> Display { get; init; }

    /// <summary>What <c>"name": null</c> in a merge patch means: every part cleared.</summary>
    public static PersonNamePatch ClearAll { get; } = SetAll(PersonName.Empty);

    public static PersonNamePatch SetAll(PersonName name) => new()
    {
        Given = name.Given, Middle = name.Middle, Family = name.Family,
        Prefix = name.Prefix, Suffix = name.Suffix, Display = name.Display,
    };

    public PersonName ApplyTo(PersonName name) => new(
        Given.GetValueOrDefault(name.Given), Middle.GetValueOrDefault(name.Middle), Family.GetValueOrDefault(name.Family),
        Prefix.GetValueOrDefault(name.Prefix), Suffix.GetValueOrDefault(name.Suffix), Display.GetValueOrDefault(name.Display));
}
