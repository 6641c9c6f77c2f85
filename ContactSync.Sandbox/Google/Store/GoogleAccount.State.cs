using ContactSync.Sandbox.Control;
using ContactSync.Sandbox.Persistence;

namespace ContactSync.Sandbox.Google.Store;

public sealed partial class GoogleAccount
{
    public GoogleAccountState Export()
    {
        lock (_gate)
        {
            return new GoogleAccountState(Email, Key, _seq, [.. _people.Values], [.. _groups.Values],
                [.. _pending.Select(p => new PendingPerson(p.VisibleAt, p.Person))], _lastVisibleAt);
        }
    }

    public static GoogleAccount Restore(GoogleAccountState state, TimeProvider clock, PropagationDelay delay)
    {
        var account = new GoogleAccount(state.Email, clock, delay, state.Key);
        lock (account._gate)
        {
            account._groups.Clear();
            foreach (var group in state.Groups) account._groups[group.Id] = group;
            foreach (var person in state.People.OrderBy(p => p.Seq))
            {
                account._people[person.ResourceName] = person;
                account._log.Add(person);
                if (!person.Deleted) account._shownLive++;
            }
            foreach (var pending in state.Pending)
            {
                account._pending.Enqueue((pending.VisibleAt, pending.Person));
                account._latest[pending.Person.ResourceName] = pending.Person;
            }
            account._lastVisibleAt = state.LastVisibleAt;
            account._seq = state.Seq;
            account._live = account.CurrentPeople().Count(p => !p.Deleted);
        }
        return account;
    }
}
