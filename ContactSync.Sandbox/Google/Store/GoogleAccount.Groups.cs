namespace ContactSync.Sandbox.Google.Store;

public sealed partial class GoogleAccount
{
    private readonly Dictionary<string, StoredGroup> _groups = new(StringComparer.Ordinal);

    /// <summary>Groups changed after <paramref name="afterSeq"/> (all groups for 0), with member counts.</summary>
    public IReadOnlyList<(StoredGroup Group, int MemberCount)> ListGroups(long afterSeq, bool includeDeleted, out long currentSeq)
    {
        lock (_gate)
        {
            Publish();
            currentSeq = _seq;
            var counts = CountMembers();
            return _groups.Values
                .Where(g => g.Seq > afterSeq && (includeDeleted || !g.Deleted))
                .OrderBy(g => g.IsSystem ? 0 : 1).ThenBy(g => g.Seq)
                .Select(g => (g, counts.GetValueOrDefault(g.Id)))
                .ToList();
        }
    }

    public (StoredGroup Group, int MemberCount, IReadOnlyList<string> Members)? FindGroup(string id, int maxMembers)
    {
        lock (_gate)
        {
            if (!_groups.TryGetValue(id, out var group) || group.Deleted) return null;
            // Members are a listing: they show membership changes once their propagation delay has passed.
            Publish();
            var members = _people.Values.Where(p => !p.Deleted && p.Groups.Contains(id)).Select(p => p.ResourceName).ToList();
            return (group, members.Count, members.Take(maxMembers).ToList());
        }
    }

    public GoogleError? CreateGroup(string name, byte[]? clientData, out StoredGroup group)
    {
        group = null!;
        lock (_gate)
        {
            if (NameTaken(name, exceptId: null)) return new GoogleError(409, "ALREADY_EXISTS", "Contact group name already exists.");
            string id;
            do id = Random.Shared.NextInt64(0x1000_0000_0000, 0xffff_ffff_ffff).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
            while (_groups.ContainsKey(id));
            group = new StoredGroup(id, name, NewEtag(), ++_seq, _clock.GetUtcNow(), IsSystem: false, ClientData: clientData);
            _groups[id] = group;
            return null;
        }
    }

    public GoogleError? UpdateGroup(string id, string? etag, string? name, bool setClientData, byte[]? clientData, out StoredGroup group)
    {
        group = null!;
        lock (_gate)
        {
            if (!_groups.TryGetValue(id, out var current) || current.Deleted) return GoogleError.NotFound();
            if (current.IsSystem) return GoogleError.Invalid("System contact groups cannot be updated.");
            if (etag is { Length: > 0 } && etag != current.Etag)
                return GoogleError.Precondition("Request contactGroup.etag is different than the current contactGroup.etag.");
            if (name is not null && NameTaken(name, exceptId: id)) return new GoogleError(409, "ALREADY_EXISTS", "Contact group name already exists.");
            group = current with
            {
                Name = name ?? current.Name, ClientData = setClientData ? clientData : current.ClientData,
                Etag = NewEtag(), Seq = ++_seq, UpdateTime = _clock.GetUtcNow(),
            };
            _groups[id] = group;
            return null;
        }
    }

    /// <summary>Deletes a user group; its members leave it, or are deleted with <paramref name="deleteContacts"/>.</summary>
    public GoogleError? DeleteGroup(string id, bool deleteContacts)
    {
        lock (_gate)
        {
            if (!_groups.TryGetValue(id, out var current) || current.Deleted) return GoogleError.NotFound();
            if (current.IsSystem) return GoogleError.Invalid("System contact groups cannot be deleted.");
            var now = _clock.GetUtcNow();
            foreach (var member in CurrentPeople().Where(p => !p.Deleted && p.Groups.Contains(id)).ToList())
            {
                if (deleteContacts) Tombstone(member, now);
                else Touch(member, now, null, member.Groups.Where(g => g != id).ToArray());
            }
            _groups[id] = current with { Deleted = true, Etag = NewEtag(), Seq = ++_seq, UpdateTime = now };
            return null;
        }
    }

    public GoogleError? ModifyMembers(string id, IReadOnlyList<string> add, IReadOnlyList<string> remove,
        out List<string> notFound, out List<string> cannotRemoveLast)
    {
        notFound = [];
        cannotRemoveLast = [];
        lock (_gate)
        {
            if (!_groups.TryGetValue(id, out var group) || group.Deleted) return GoogleError.NotFound();
            if (add.Count > 0 && !group.CanGainMembers)
                return GoogleError.Invalid($"Cannot add contacts to the system contact group {group.ResourceName}.");
            var now = _clock.GetUtcNow();
            foreach (var name in add.Distinct(StringComparer.Ordinal))
            {
                if (Current(name) is not { Deleted: false } p) { notFound.Add(name); continue; }
                if (!p.Groups.Contains(id)) Touch(p, now, null, [.. p.Groups, id]);
            }
            foreach (var name in remove.Distinct(StringComparer.Ordinal))
            {
                if (Current(name) is not { Deleted: false } p) { notFound.Add(name); continue; }
                if (!p.Groups.Contains(id)) continue;
                if (p.Groups.Count == 1) { cannotRemoveLast.Add(name); continue; }
                Touch(p, now, null, p.Groups.Where(g => g != id).ToArray());
            }
            return null;
        }
    }

    private GoogleError? ValidateGroups(IReadOnlyList<string> groups)
    {
        foreach (var id in groups)
        {
            if (!_groups.TryGetValue(id, out var g) || g.Deleted)
                return GoogleError.Invalid($"Contact group resource name contactGroups/{id} is invalid or does not exist.");
            if (!g.CanGainMembers) return GoogleError.Invalid($"Cannot add contacts to the system contact group {g.ResourceName}.");
        }
        return null;
    }

    private bool NameTaken(string name, string? exceptId) =>
        _groups.Values.Any(g => !g.Deleted && g.Id != exceptId &&
            (string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase) || string.Equals(g.FormattedName, name, StringComparison.OrdinalIgnoreCase)));

    private Dictionary<string, int> CountMembers()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var person in _people.Values)
        {
            if (person.Deleted) continue;
            foreach (var g in person.Groups) counts[g] = counts.GetValueOrDefault(g) + 1;
        }
        return counts;
    }
}
