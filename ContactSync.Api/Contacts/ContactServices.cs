using ContactSync.Api.Auth;
using ContactSync.Api.Infrastructure;
using ContactSync.Api.Users;
using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.EventStore;
using ContactSync.Providers.Streams;
using Microsoft.AspNetCore.Http.HttpResults;
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
        return (ContactDecider.Definition.Fold(EventStreams.Domain<ContactEvent>(recorded)), recorded);
    }

    /// <summary>
    /// The contact a caller is about to change: 404 when it is missing or not visible to them, 412 when they pinned
    /// another version with If-Match. The one load-check sequence of every contact write.
    /// </summary>
    public async Task<(Contact State, ProblemHttpResult? Problem)> LoadForWriteAsync(Guid id, Caller caller, long? pinned, CancellationToken ct)
    {
        var (state, _) = await LoadAsync(id, ct);
        if (!await Directory.CanSeeAsync(caller.Viewer, state, ct)) return (state, Problems.NotFound("The contact does not exist or is not visible to you."));
        if (pinned is { } v && v != state.Version) return (state, Problems.PreconditionFailed($"The contact is at version {state.Version}."));
        return (state, null);
    }

    /// <summary>Decides the commands in order and appends their events in one write; waits for the contacts projection.</summary>
    public async Task<Contact> DecideAndAppendAsync(Guid id, Contact state, IEnumerable<Func<Contact, ContactCommand>> commands, CancellationToken ct)
    {
        var handled = await CommandHandler.HandleAsync(Store, ContactDecider.Definition, StreamNames.Contact(id), state, commands, ct);
        if (handled.Position is { } position) await Http.AfterWriteAsync(position, ProjectionNames.Contacts);
        return handled.State;
    }

    public Task<T> WithRetriesAsync<T>(Func<Task<T>> attempt) => WriteRetries.WithRetriesAsync(Http, Options.Value.WriteAttempts, attempt);

    public DateTimeOffset Now => Time.GetUtcNow();
}
