using System.Text.Json;

namespace ContactSync.Sandbox.Graph.Store;

/// <summary>An immutable snapshot of one Outlook contact. Every write replaces the record, so readers never
/// see a half-applied change and can serialize it without holding the mailbox lock.</summary>
/// <param name="Props">Writable contact properties as sent (validated), keyed by their Graph name.</param>
/// <param name="Extended">Single-value extended properties, keyed by property id (case-insensitive).</param>
/// <param name="Order">Creation order, used to list contacts in a stable order.</param>
/// <param name="Seq">Position of the last change in the mailbox change index (delta).</param>
public sealed record ContactRecord(
    string Id,
    string FolderId,
    string ChangeKey,
    long Order,
    long Seq,
    DateTimeOffset Created,
    DateTimeOffset Modified,
    IReadOnlyDictionary<string, JsonElement> Props,
    IReadOnlyDictionary<string, ExtendedProperty> Extended)
{
    public string ETag => $"W/\"{ChangeKey}\"";
}

public sealed record ExtendedProperty(string Id, string Value);

public sealed record FolderRecord(string Id, string DisplayName, string ParentFolderId, long Order);

/// <summary>A contact that left a folder (deleted, or moved elsewhere) at change index <paramref name="Seq"/>.</summary>
public sealed record Tombstone(string ContactId, string FolderId, long Seq, bool Moved);
