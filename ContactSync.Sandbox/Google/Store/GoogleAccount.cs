using ContactSync.Sandbox.Control;

namespace ContactSync.Sandbox.Google.Store;

/// <summary>
/// One Google account's contacts and groups. Writes take the account's lock; reads take it only to pick the
/// stored instances (which are immutable) and render them outside it, so many accounts and many readers of one
/// account proceed in parallel. Every write gets the next sequence number; the change log ordered by it serves
/// paging and sync tokens.
/// <para>With a propagation delay, <c>_people</c> and <c>_log</c> are what listings show: a write first goes to
/// <c>_latest</c> (what direct reads and write checks see) and to a queue, and is moved into the listed state,
/// with a new sequence number, once its delay has passed. The listed state only moves forward, and a write
/// that shows late still comes after every sync token issued before it showed.</para>
/// </summary>
public sealed partial class GoogleAccount
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredPerson> _people = new(StringComparer.Ordinal);
    private readonly List<StoredPerson> _log = [];
    private readonly TimeProvider _clock;
    private readonly PropagationDelay _delay;
    // Writes not yet visible in listings: the newest version per contact, and every version in write order.
    private readonly Dictionary<string, StoredPerson> _latest = new(StringComparer.Ordinal);
    private readonly Queue<(DateTimeOffset VisibleAt, StoredPerson Person)> _pending = new();
    private DateTimeOffset _lastVisibleAt;
    private long _seq;
    private int _live;
    private int _shownLive;

    public GoogleAccount(string email, TimeProvider clock, PropagationDelay? delay = null, long? key = null)
    {
        Email = email;
        _clock = clock;
        _delay = delay ?? new PropagationDelay();
        Key = key ?? Random.Shared.NextInt64(100_000_000_000_000_000, 999_999_999_999_999_999);
        var now = clock.GetUtcNow();
        foreach (var (id, _) in StoredGroup.SystemGroups)
            _groups[id] = new StoredGroup(id, id, NewEtag(), ++_seq, now, IsSystem: true);
    }

    public string Email { get; }

    /// <summary>The account's Google id (the <c>sub</c> of its id_token).</summary>
    public string ProfileId => Key.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Numeric form of the account id, carried in page tokens.</summary>
    public long Key { get; }

    public int LiveCount { get { lock (_gate) return _live; } }

    public StoredPerson? Find(string resourceName)
    {
        lock (_gate) return Current(resourceName) is { Deleted: false } p ? p : null;
    }

    /// <summary>The newest version of a person (a tombstone when deleted), visible in listings or not.</summary>
    private StoredPerson? Current(string resourceName) =>
        _latest.Count > 0 && _latest.TryGetValue(resourceName, out var latest) ? latest : _people.GetValueOrDefault(resourceName);

    /// <summary>Every person in its newest version.</summary>
    private IEnumerable<StoredPerson> CurrentPeople() =>
        _latest.Count == 0 ? _people.Values : _people.Values.Where(p => !_latest.ContainsKey(p.ResourceName)).Concat(_latest.Values);

    /// <summary>Persons changed after <paramref name="afterSeq"/>, oldest change first; tombstones only when asked.</summary>
    public ChangeSlice ReadChanges(long afterSeq, int pageSize, bool includeDeleted)
    {
        var items = new List<StoredPerson>(Math.Min(pageSize, 1024));
        lock (_gate)
        {
            Publish();
            var last = afterSeq;
            var more = false;
            for (var i = FirstAfter(afterSeq); i < _log.Count; i++)
            {
                var entry = _log[i];
                if (!ReferenceEquals(_people[entry.ResourceName], entry) || (entry.Deleted && !includeDeleted)) continue;
                if (items.Count == pageSize)
                {
                    more = true;
                    break;
                }
                items.Add(entry);
                last = entry.Seq;
            }
            return new ChangeSlice(items, more, last, _seq, _shownLive);
        }
    }

    public GoogleError? Create(IReadOnlyList<PersonDraft> drafts, int maxContacts, out StoredPerson[] created)
    {
        created = [];
        lock (_gate)
        {
            // Unconfirmed how Google answers past its 25,000-contact cap; a 400 FAILED_PRECONDITION is the safe
            // reading: not retryable (unlike 429), and the reason lets a client tell it from other preconditions.
            if (_live + drafts.Count > maxContacts)
                return GoogleError.Precondition($"The account has reached the maximum of {maxContacts} contacts.", "MAX_CONTACTS_EXCEEDED");
            foreach (var draft in drafts)
                if (ValidateGroups(draft.Groups) is { } error) return error;

            var now = _clock.GetUtcNow();
            created = new StoredPerson[drafts.Count];
            for (var i = 0; i < drafts.Count; i++)
            {
                var groups = drafts[i].Groups.Contains("myContacts") ? drafts[i].Groups : ["myContacts", .. drafts[i].Groups];
                var person = new StoredPerson
                {
                    ResourceName = NewResourceName(), Etag = NewEtag(), SourceEtag = NewSourceEtag(),
                    SourceId = drafts[i].SourceId, Seq = ++_seq, UpdateTime = now,
                    Groups = groups.Distinct(StringComparer.Ordinal).ToArray(), Fields = drafts[i].Fields,
                };
                Store(person);
                _live++;
                created[i] = person;
            }
            return null;
        }
    }

    /// <summary>Applies every patch or none: a missing person, a stale etag or a bad group fails the whole call.</summary>
    public GoogleError? Update(IReadOnlyList<PersonPatch> patches, out StoredPerson[] updated)
    {
        updated = [];
        lock (_gate)
        {
            foreach (var patch in patches)
            {
                if (Current(patch.ResourceName) is not { Deleted: false } current) return GoogleError.NotFound();
                // The docs require person.etag (or metadata.sources) on updates; a missing one is refused rather
                // than treated as unconditional, the stricter of the possible readings.
                if (string.IsNullOrEmpty(patch.Etag))
                    return GoogleError.Invalid("Request must set person.etag or person.metadata.sources.etag so that the caller's version can be checked.");
                if (patch.Etag != current.Etag && patch.Etag != current.SourceEtag) return GoogleError.StaleEtag();
                if (patch.Groups is not null && ValidateGroups(patch.Groups) is { } error) return error;
                if (patch.Groups is { Count: 0 }) return GoogleError.Invalid("A contact must belong to at least one contact group.");
            }
            var now = _clock.GetUtcNow();
            updated = new StoredPerson[patches.Count];
            for (var i = 0; i < patches.Count; i++)
            {
                var patch = patches[i];
                var current = Current(patch.ResourceName)!;
                var fields = new Dictionary<string, byte[]>(current.Fields, StringComparer.Ordinal);
                foreach (var name in patch.Mask.Names)
                {
                    if (patch.Fields.TryGetValue(name, out var value)) fields[name] = value;
                    else fields.Remove(name);
                }
                var person = Touch(current, now, fields, patch.Groups?.Distinct(StringComparer.Ordinal).ToArray());
                updated[i] = person;
            }
            return null;
        }
    }

    /// <summary>Deletes every named person or none (404 when one is unknown or already deleted).</summary>
    public GoogleError? Delete(IReadOnlyList<string> resourceNames)
    {
        lock (_gate)
        {
            foreach (var name in resourceNames)
                if (Current(name) is not { Deleted: false }) return GoogleError.NotFound();
            var now = _clock.GetUtcNow();
            foreach (var name in resourceNames.Distinct(StringComparer.Ordinal)) Tombstone(Current(name)!, now);
            return null;
        }
    }

    private void Tombstone(StoredPerson person, DateTimeOffset now)
    {
        Store(new StoredPerson
        {
            ResourceName = person.ResourceName, Etag = NewEtag(), SourceEtag = NewSourceEtag(), SourceId = person.SourceId,
            Seq = ++_seq, UpdateTime = now, Deleted = true, Groups = [], Fields = NoFields,
        });
        _live--;
    }

    private StoredPerson Touch(StoredPerson current, DateTimeOffset now, IReadOnlyDictionary<string, byte[]>? fields, IReadOnlyList<string>? groups)
    {
        var person = new StoredPerson
        {
            ResourceName = current.ResourceName, Etag = NewEtag(), SourceEtag = NewSourceEtag(), SourceId = current.SourceId,
            Seq = ++_seq, UpdateTime = now, Groups = groups ?? current.Groups, Fields = fields ?? current.Fields,
            PhotoUrl = current.PhotoUrl,
        };
        Store(person);
        return person;
    }

    /// <summary>Sets or (with null) removes the contact's photo; photos cannot be written with updateContact.</summary>
    public GoogleError? SetPhoto(string resourceName, string? url, out StoredPerson updated)
    {
        updated = null!;
        lock (_gate)
        {
            if (Current(resourceName) is not { Deleted: false } current) return GoogleError.NotFound();
            var now = _clock.GetUtcNow();
            updated = new StoredPerson
            {
                ResourceName = current.ResourceName, Etag = NewEtag(), SourceEtag = NewSourceEtag(), SourceId = current.SourceId,
                Seq = ++_seq, UpdateTime = now, Groups = current.Groups, Fields = current.Fields, PhotoUrl = url,
            };
            Store(updated);
            return null;
        }
    }

    /// <summary>Records a write: listed at once without a propagation delay, else queued until it is due.</summary>
    private void Store(StoredPerson person)
    {
        var delay = _delay.Value;
        if (_pending.Count == 0 && delay <= TimeSpan.Zero)
        {
            Show(person);
            return;
        }
        Publish();
        // Due times never go backwards, so versions of one contact show in the order they were written.
        var visibleAt = _clock.GetUtcNow() + delay;
        if (_pending.Count > 0 && visibleAt < _lastVisibleAt) visibleAt = _lastVisibleAt;
        _lastVisibleAt = visibleAt;
        _latest[person.ResourceName] = person;
        _pending.Enqueue((visibleAt, person));
    }

    /// <summary>Moves the writes whose delay has passed into the listed state. Each gets the next sequence number
    /// now, not the one of its write, so sync tokens issued while it was hidden still lead to it.</summary>
    private void Publish()
    {
        if (_pending.Count == 0) return;
        var now = _clock.GetUtcNow();
        while (_pending.TryPeek(out var next) && next.VisibleAt <= now)
        {
            _pending.Dequeue();
            var name = next.Person.ResourceName;
            if (_latest.TryGetValue(name, out var latest) && ReferenceEquals(latest, next.Person)) _latest.Remove(name);
            Show(next.Person.WithSeq(++_seq));
        }
    }

    private void Show(StoredPerson person)
    {
        var before = _people.GetValueOrDefault(person.ResourceName);
        if (before is { Deleted: false }) _shownLive--;
        if (!person.Deleted) _shownLive++;
        _people[person.ResourceName] = person;
        _log.Add(person);
        // Superseded log entries are skipped on read; compact once they outnumber the live ones.
        if (_log.Count > 2 * _people.Count + 1024)
        {
            var current = _log.Where(e => ReferenceEquals(_people[e.ResourceName], e)).ToList();
            _log.Clear();
            _log.AddRange(current);
        }
    }

    private int FirstAfter(long seq)
    {
        int lo = 0, hi = _log.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_log[mid].Seq <= seq) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private string NewResourceName()
    {
        while (true)
        {
            var name = "people/c" + Random.Shared.NextInt64(1_000_000_000_000_000_000, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!_people.ContainsKey(name) && !_latest.ContainsKey(name)) return name;
        }
    }

    public static string NewSourceId() => Random.Shared.NextInt64(0x1000_0000_0000_0000, long.MaxValue).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    private static string NewEtag() => "%Eg" + Convert.ToBase64String(RandomBytes(18));

    private static string NewSourceEtag() => "#" + Convert.ToBase64String(RandomBytes(9));

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private static readonly IReadOnlyDictionary<string, byte[]> NoFields = new Dictionary<string, byte[]>();
}
