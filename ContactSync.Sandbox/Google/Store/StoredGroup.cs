namespace ContactSync.Sandbox.Google.Store;

/// <summary>A contact group as the emulator holds it (immutable; every write stores a new instance).</summary>
/// <param name="Id">The id after <c>contactGroups/</c>: a system name (<c>myContacts</c>) or hex for user groups.</param>
/// <param name="ClientData">The group's <c>clientData</c> as a JSON array, if any.</param>
public sealed record StoredGroup(
    string Id, string Name, string Etag, long Seq, DateTimeOffset UpdateTime, bool IsSystem, bool Deleted = false,
    byte[]? ClientData = null)
{
    /// <summary>System groups every account has; only myContacts and starred can gain members.</summary>
    public static readonly IReadOnlyList<(string Id, string FormattedName)> SystemGroups =
    [
        ("myContacts", "My Contacts"), ("starred", "Starred"), ("friends", "Friends"), ("family", "Family"),
        ("coworkers", "Coworkers"),
    ];

    public string ResourceName => "contactGroups/" + Id;

    public string FormattedName => IsSystem ? SystemGroups.First(g => g.Id == Id).FormattedName : Name;

    public bool CanGainMembers => !IsSystem || Id is "myContacts" or "starred";
}

/// <summary>A new contact: its normalised fields and explicit group ids (myContacts is always added).</summary>
public sealed record PersonDraft(string SourceId, IReadOnlyDictionary<string, byte[]> Fields, IReadOnlyList<string> Groups);

/// <summary>An update: every field named in <paramref name="Mask"/> is replaced by <paramref name="Fields"/>
/// (cleared when absent); <paramref name="Groups"/> is set when the mask names memberships.</summary>
public sealed record PersonPatch(
    string ResourceName, string? Etag, PersonFields Mask, IReadOnlyDictionary<string, byte[]> Fields, IReadOnlyList<string>? Groups);

/// <summary>A page read from an account's change log.</summary>
public sealed record ChangeSlice(IReadOnlyList<StoredPerson> Items, bool HasMore, long LastSeq, long CurrentSeq, int LiveCount);
