using System.Text.Json;
using ContactSync.Sandbox.Control;

namespace ContactSync.Sandbox.Graph.Store;

public enum WriteStatus { Ok, NotFound, PreconditionFailed, Conflict }

public readonly record struct WriteOutcome<T>(WriteStatus Status, T? Value) where T : class
{
    public static WriteOutcome<T> Ok(T value) => new(WriteStatus.Ok, value);
    public static WriteOutcome<T> Fail(WriteStatus status) => new(status, null);
}

/// <summary>
/// One Outlook mailbox: its contact folders, contacts and the change index that delta rounds read. Each
/// mailbox has its own lock, so requests for different mailboxes never contend.
/// <para>With a propagation delay, <c>_contacts</c> and the change index are what listings and delta show; a
/// write first goes to <c>_latest</c> (what reads by id and If-Match checks see) and to a queue, and is applied
/// to the listed state, at a new change-index position, once its delay has passed. So a delta link issued
/// while a write was hidden still delivers it.</para>
/// </summary>
public sealed class Mailbox
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ContactRecord> _contacts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FolderRecord> _folders = new(StringComparer.Ordinal);
    // The latest change of every live contact plus every tombstone, keyed by its position; a contact that
    // changes again moves to a new position, so a delta round sees each contact at most once.
    private readonly SortedSet<long> _changeSeqs = [];
    private readonly Dictionary<long, object> _changes = [];
    private readonly TimeProvider _clock;
    private readonly PropagationDelay _delay;
    // Writes not yet visible in listings: the newest version per contact (null: deleted), and every write in order.
    private readonly Dictionary<string, ContactRecord?> _latest = new(StringComparer.Ordinal);
    private readonly Queue<(DateTimeOffset VisibleAt, string Id, ContactRecord? Next)> _pending = new();
    private DateTimeOffset _lastVisibleAt;
    private long _seq;
    private long _order;
    private int _grantGeneration;

    public Mailbox(string id, string email, TimeProvider? clock = null, PropagationDelay? delay = null, string? defaultFolderId = null)
    {
        Id = id;
        Email = email;
        _clock = clock ?? TimeProvider.System;
        _delay = delay ?? new PropagationDelay();
        DefaultFolderId = defaultFolderId ?? GraphIds.NewFolderId();
        _folders[DefaultFolderId] = new FolderRecord(DefaultFolderId, "Contacts", GraphIds.NewFolderId(), 0);
    }

    public string Id { get; }
    public string Email { get; }
    public string DefaultFolderId { get; }

    /// <summary>Bumped when the account's grants are revoked; tokens issued under an older value are dead.</summary>
    public int GrantGeneration => Volatile.Read(ref _grantGeneration);

    public void RevokeGrants() => Interlocked.Increment(ref _grantGeneration);

    public long CurrentSeq
    {
        get
        {
            lock (_gate)
            {
                Publish();
                return _seq;
            }
        }
    }

    public ContactRecord? GetContact(string id, string? folderId)
    {
        lock (_gate) return Find(id, folderId);
    }

    public List<ContactRecord> ListContacts(string folderId)
    {
        lock (_gate)
        {
            Publish();
            var list = _contacts.Values.Where(c => c.FolderId == folderId).ToList();
            list.Sort((a, b) => a.Order.CompareTo(b.Order));
            return list;
        }
    }

    public ContactRecord? CreateContact(
        string folderId, IReadOnlyDictionary<string, JsonElement> props,
        IReadOnlyDictionary<string, ExtendedProperty> extended, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_folders.ContainsKey(folderId)) return null;
            var record = new ContactRecord(GraphIds.NewItemId(), folderId, GraphIds.NewChangeKey(), ++_order, 0,
                now, now, props, extended);
            return Commit(record.Id, record);
        }
    }

    public WriteOutcome<ContactRecord> UpdateContact(
        string id, string? folderId, string? ifMatch, Func<ContactRecord, ContactRecord> apply, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (Find(id, folderId) is not { } current) return WriteOutcome<ContactRecord>.Fail(WriteStatus.NotFound);
            if (!ETagMatches(ifMatch, current)) return WriteOutcome<ContactRecord>.Fail(WriteStatus.PreconditionFailed);
            var next = apply(current) with { ChangeKey = GraphIds.NewChangeKey(), Modified = now };
            return WriteOutcome<ContactRecord>.Ok(Commit(id, next)!);
        }
    }

    public WriteOutcome<ContactRecord> DeleteContact(string id, string? folderId, string? ifMatch)
    {
        lock (_gate)
        {
            if (Find(id, folderId) is not { } current) return WriteOutcome<ContactRecord>.Fail(WriteStatus.NotFound);
            if (!ETagMatches(ifMatch, current)) return WriteOutcome<ContactRecord>.Fail(WriteStatus.PreconditionFailed);
            Commit(id, null);
            return WriteOutcome<ContactRecord>.Ok(current);
        }
    }

    /// <summary>Moves a contact as Outlook does when a user drags it to another folder: the id is kept
    /// (immutable ids) and the old folder's delta reports it as removed.</summary>
    public WriteOutcome<ContactRecord> MoveContact(string id, string targetFolderId, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (Find(id, null) is not { } current || !_folders.ContainsKey(targetFolderId))
                return WriteOutcome<ContactRecord>.Fail(WriteStatus.NotFound);
            if (current.FolderId == targetFolderId) return WriteOutcome<ContactRecord>.Ok(current);
            var next = current with { FolderId = targetFolderId, ChangeKey = GraphIds.NewChangeKey(), Modified = now };
            return WriteOutcome<ContactRecord>.Ok(Commit(id, next)!);
        }
    }

    public FolderRecord? GetFolder(string id)
    {
        lock (_gate) return _folders.GetValueOrDefault(id);
    }

    public List<FolderRecord> ListFolders(string parentId)
    {
        lock (_gate) return _folders.Values.Where(f => f.ParentFolderId == parentId).OrderBy(f => f.Order).ToList();
    }

    public WriteOutcome<FolderRecord> CreateFolder(string parentId, string displayName)
    {
        lock (_gate)
        {
            if (!_folders.ContainsKey(parentId)) return WriteOutcome<FolderRecord>.Fail(WriteStatus.NotFound);
            if (NameTaken(parentId, displayName, null)) return WriteOutcome<FolderRecord>.Fail(WriteStatus.Conflict);
            var folder = new FolderRecord(GraphIds.NewFolderId(), displayName, parentId, ++_order);
            _folders[folder.Id] = folder;
            return WriteOutcome<FolderRecord>.Ok(folder);
        }
    }

    public WriteOutcome<FolderRecord> RenameFolder(string id, string displayName)
    {
        lock (_gate)
        {
            if (!_folders.TryGetValue(id, out var folder) || id == DefaultFolderId)
                return WriteOutcome<FolderRecord>.Fail(WriteStatus.NotFound);
            if (NameTaken(folder.ParentFolderId, displayName, id)) return WriteOutcome<FolderRecord>.Fail(WriteStatus.Conflict);
            folder = folder with { DisplayName = displayName };
            _folders[id] = folder;
            return WriteOutcome<FolderRecord>.Ok(folder);
        }
    }

    /// <summary>Deletes a folder, its child folders and their contacts; returns the deleted contacts.</summary>
    public List<ContactRecord>? DeleteFolder(string id)
    {
        lock (_gate)
        {
            if (!_folders.ContainsKey(id) || id == DefaultFolderId) return null;
            var doomed = new HashSet<string> { id };
            for (var grew = true; grew;)
                grew = _folders.Values.Where(f => doomed.Contains(f.ParentFolderId)).Aggregate(false, (g, f) => doomed.Add(f.Id) | g);
            var removed = CurrentContacts().Where(c => doomed.Contains(c.FolderId)).ToList();
            foreach (var contact in removed) Commit(contact.Id, null);
            foreach (var folderId in doomed) _folders.Remove(folderId);
            return removed;
        }
    }

    /// <summary>Changes of one folder after position <paramref name="after"/> up to <paramref name="upTo"/>, in
    /// order: live contacts as <see cref="ContactRecord"/>, departures as <see cref="Tombstone"/>.</summary>
    public (List<object> Items, long LastSeq, bool More) Changes(string folderId, long after, long upTo, int max, bool tombstones)
    {
        lock (_gate)
        {
            Publish();
            var items = new List<object>(Math.Min(max, 64));
            if (after >= upTo) return (items, after, false);
            var last = after;
            foreach (var seq in _changeSeqs.GetViewBetween(after + 1, upTo))
            {
                if (items.Count == max) return (items, last, true);
                last = seq;
                var change = _changes[seq];
                if (change is ContactRecord c && c.FolderId == folderId) items.Add(c);
                else if (tombstones && change is Tombstone t && t.FolderId == folderId) items.Add(t);
            }
            return (items, upTo, false);
        }
    }

    /// <summary>The newest version of a contact, visible in listings or not.</summary>
    private ContactRecord? Find(string id, string? folderId)
    {
        var c = _latest.Count > 0 && _latest.TryGetValue(id, out var latest) ? latest : _contacts.GetValueOrDefault(id);
        return c is not null && (folderId is null || c.FolderId == folderId) ? c : null;
    }

    private IEnumerable<ContactRecord> CurrentContacts() =>
        _latest.Count == 0 ? _contacts.Values
            : _contacts.Values.Where(c => !_latest.ContainsKey(c.Id)).Concat(_latest.Values.OfType<ContactRecord>());

    /// <summary>Records a write of contact <paramref name="id"/> (<paramref name="next"/> null: deleted): listed at
    /// once without a propagation delay, else queued until it is due.</summary>
    private ContactRecord? Commit(string id, ContactRecord? next)
    {
        var delay = _delay.Value;
        if (_pending.Count == 0 && delay <= TimeSpan.Zero) return Show(id, next);
        Publish();
        // Due times never go backwards, so the writes of one contact show in the order they were made.
        var visibleAt = _clock.GetUtcNow() + delay;
        if (_pending.Count > 0 && visibleAt < _lastVisibleAt) visibleAt = _lastVisibleAt;
        _lastVisibleAt = visibleAt;
        _latest[id] = next;
        _pending.Enqueue((visibleAt, id, next));
        return next;
    }

    /// <summary>Applies the writes whose delay has passed to the listed state, each at a new index position.</summary>
    private void Publish()
    {
        if (_pending.Count == 0) return;
        var now = _clock.GetUtcNow();
        while (_pending.TryPeek(out var due) && due.VisibleAt <= now)
        {
            _pending.Dequeue();
            if (_latest.TryGetValue(due.Id, out var latest) && ReferenceEquals(latest, due.Next)) _latest.Remove(due.Id);
            Show(due.Id, due.Next);
        }
    }

    /// <summary>Makes a write visible: an update re-indexes the contact, a delete or a move to another folder
    /// leaves a tombstone in the folder it left.</summary>
    private ContactRecord? Show(string id, ContactRecord? next)
    {
        var shown = _contacts.GetValueOrDefault(id);
        if (next is null)
        {
            if (shown is not null) RemoveLocked(shown, moved: false);
            return null;
        }
        if (shown is not null)
        {
            if (shown.FolderId != next.FolderId) RemoveLocked(shown, moved: true);
            else Unindex(shown.Seq);
        }
        return Index(next);
    }

    private bool NameTaken(string parentId, string name, string? except) =>
        _folders.Values.Any(f => f.ParentFolderId == parentId && f.Id != except &&
                                 string.Equals(f.DisplayName, name, StringComparison.OrdinalIgnoreCase));

    private ContactRecord Index(ContactRecord record)
    {
        record = record with { Seq = ++_seq };
        _contacts[record.Id] = record;
        _changeSeqs.Add(record.Seq);
        _changes[record.Seq] = record;
        return record;
    }

    private void Unindex(long seq)
    {
        _changeSeqs.Remove(seq);
        _changes.Remove(seq);
    }

    private void RemoveLocked(ContactRecord contact, bool moved)
    {
        Unindex(contact.Seq);
        _contacts.Remove(contact.Id);
        var tombstone = new Tombstone(contact.Id, contact.FolderId, ++_seq, moved);
        _changeSeqs.Add(tombstone.Seq);
        _changes[tombstone.Seq] = tombstone;
    }

    public Persistence.MailboxState Export()
    {
        lock (_gate)
        {
            return new Persistence.MailboxState(Id, Email, DefaultFolderId, _seq, _order, GrantGeneration,
                [.. _folders.Values], [.. _contacts.Values], [.. _changes.Values.OfType<Tombstone>()],
                [.. _pending.Select(p => new Persistence.PendingContact(p.VisibleAt, p.Id, p.Next))], _lastVisibleAt);
        }
    }

    public static Mailbox Restore(Persistence.MailboxState state, TimeProvider clock, PropagationDelay delay)
    {
        var mailbox = new Mailbox(state.Id, state.Email, clock, delay, state.DefaultFolderId);
        lock (mailbox._gate)
        {
            mailbox._folders.Clear();
            foreach (var folder in state.Folders) mailbox._folders[folder.Id] = folder;
            foreach (var contact in state.Contacts)
            {
                var restored = WithLookups(contact);
                mailbox._contacts[contact.Id] = restored;
                mailbox._changeSeqs.Add(contact.Seq);
                mailbox._changes[contact.Seq] = restored;
            }
            foreach (var tombstone in state.Tombstones)
            {
                mailbox._changeSeqs.Add(tombstone.Seq);
                mailbox._changes[tombstone.Seq] = tombstone;
            }
            foreach (var pending in state.Pending)
            {
                var next = pending.Next is null ? null : WithLookups(pending.Next);
                mailbox._pending.Enqueue((pending.VisibleAt, pending.Id, next));
                mailbox._latest[pending.Id] = next;
            }
            mailbox._lastVisibleAt = state.LastVisibleAt;
            mailbox._seq = state.Seq;
            mailbox._order = state.Order;
            mailbox._grantGeneration = state.GrantGeneration;
        }
        return mailbox;
    }

    /// <summary>Extended property ids are case-insensitive; a deserialised dictionary is not.</summary>
    private static ContactRecord WithLookups(ContactRecord c) =>
        c with { Extended = new Dictionary<string, ExtendedProperty>(c.Extended, StringComparer.OrdinalIgnoreCase) };

    private static bool ETagMatches(string? ifMatch, ContactRecord current)
    {
        if (string.IsNullOrWhiteSpace(ifMatch) || ifMatch.Trim() == "*") return true;
        var value = ifMatch.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal)) value = value[2..];
        return value.Trim('"') == current.ChangeKey;
    }
}
