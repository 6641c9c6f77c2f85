namespace ContactSync.Sandbox.Google.Store;

/// <summary>
/// One contact (or its tombstone) as the emulator holds it. Immutable: every write stores a new instance, so
/// readers can render it outside the account lock. Fields are kept as normalised JSON arrays, so that a whole
/// field can be replaced (updatePersonFields semantics) and rendered without re-serialising.
/// </summary>
public sealed class StoredPerson
{
    private RenderedPerson? _rendered;

    public required string ResourceName { get; init; }
    public required string Etag { get; init; }
    public required string SourceEtag { get; init; }
    public required string SourceId { get; init; }
    public required long Seq { get; init; }
    public required DateTimeOffset UpdateTime { get; init; }
    public bool Deleted { get; init; }

    /// <summary>Contact group ids (<c>myContacts</c>, a user group's hex id).</summary>
    public required IReadOnlyList<string> Groups { get; init; }

    /// <summary>The contact's own photo (set with updateContactPhoto); null shows Google's default avatar.</summary>
    public string? PhotoUrl { get; init; }

    /// <summary>Field name → normalised JSON array (UTF-8).</summary>
    public required IReadOnlyDictionary<string, byte[]> Fields { get; init; }

    public string Id => ResourceName["people/".Length..];

    /// <summary>The same version at another change-log position (a delayed write when it becomes visible).</summary>
    public StoredPerson WithSeq(long seq) => new()
    {
        ResourceName = ResourceName, Etag = Etag, SourceEtag = SourceEtag, SourceId = SourceId, Seq = seq,
        UpdateTime = UpdateTime, Deleted = Deleted, Groups = Groups, PhotoUrl = PhotoUrl, Fields = Fields,
    };

    /// <summary>The person as JSON for one read mask; the last rendering is cached because sync clients read
    /// many persons with the same mask.</summary>
    public byte[] Render(PersonFields mask)
    {
        var cached = _rendered;
        if (cached is not null && ReferenceEquals(cached.Mask, mask)) return cached.Json;
        var json = PersonJson.Render(this, mask);
        _rendered = new RenderedPerson(mask, json);
        return json;
    }

    private sealed record RenderedPerson(PersonFields Mask, byte[] Json);
}
