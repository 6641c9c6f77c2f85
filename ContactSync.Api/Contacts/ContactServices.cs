using ContactSync.Api.Infrastructure;
using ContactSync.Api.Users;
using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.EventStore;
using Microsoft.Extensions.Options;

namespace ContactSync.Api.Contacts;

/// <summary>What contact endpoints depend on, bound with [AsParameters].</summary>
public sealed record ContactServices(
    IEventStore Store, DirectoryReads Directory, ContactReads Reads, TimeProvider Time, IOptions<ApiOptions> Options, HttpContext Http)
{
    /// <summary>The contact folded from its stream (authoritative), and its recorded events.</summary>
    public async Task<(Contact State, IReadOnlyList<RecordedEvent> Events)> LoadAsync(Guid id, CancellationToken ct)
    {
        var recorded = await EventStreams.ReadAsync(Store, StreamNames.Contact(id), ct);
        return (Contact.Fold(EventStreams.Domain<ContactEvent>(recorded)), recorded);
    }

    /// <summary>
    /// Decides <paramref name="commands"/> in order against the evolving state and appends all their events in one
    /// write with the version read (no events: nothing appended). Waits for the contacts projection.
    /// </summary>
    public async Task<Contact> DecideAndAppendAsync(Contact state, IEnumerable<Func<Contact, ContactCommand>> commands, CancellationToken ct)
    {
        var events = new List<ContactEvent>();
        var current = state;
        foreach (var command in commands)
        {
            foreach (var e in ContactDecider.Decide(command(current), current))
            {
                events.Add(e);
                current = Contact.Evolve(current, e);
            }
        }
        if (events.Count == 0) return state;
        var result = await EventStreams.AppendAsync(Store, StreamNames.Contact(current.Id), state.Version, events, ct);
        await Http.AfterWriteAsync(result.LogPosition, ProjectionNames.Contacts);
        return current;
    }

    public Task<T> WithRetriesAsync<T>(Func<Task<T>> attempt) => EventStreams.WithRetriesAsync(Http, Options.Value.WriteAttempts, attempt);

    public DateTimeOffset Now => Time.GetUtcNow();
}
