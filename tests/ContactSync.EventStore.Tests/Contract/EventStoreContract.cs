using ContactSync.EventStore.Subscriptions;
using static ContactSync.EventStore.Tests.TestEvents;

namespace ContactSync.EventStore.Tests.Contract;

/// <summary>
/// The behaviour every <see cref="IEventStore"/> must have (EventStoreDB semantics). Each test gets a fresh store.
/// </summary>
public abstract partial class EventStoreContract : IAsyncLifetime
{
    protected IEventStore Store { get; private set; } = null!;

    protected ICheckpointStore Checkpoints { get; private set; } = null!;

    protected abstract Task<(IEventStore Store, ICheckpointStore Checkpoints)> CreateAsync();

    protected abstract ValueTask DestroyAsync();

    public async Task InitializeAsync() => (Store, Checkpoints) = await CreateAsync();

    public async Task DisposeAsync() => await DestroyAsync();

    [Fact]
    public async Task Appending_with_NoStream_creates_the_stream_at_revision_count_minus_one()
    {
        var stream = NewStream();
        var result = await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(3));

        Assert.Equal(2UL, result.NextExpectedRevision.Value);
        var read = await Store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 10);
        Assert.Equal([0UL, 1UL, 2UL], read.Select(e => e.Revision.Value));
        Assert.Equal(result.LogPosition, read[^1].Position);
    }

    [Fact]
    public async Task Appending_with_NoStream_to_an_existing_stream_fails_with_the_actual_revision()
    {
        var stream = NewStream();
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(2));

        var e = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(1)));
        Assert.Equal(stream, e.Stream);
        Assert.Equal(ExpectedRevision.NoStream, e.Expected);
        Assert.Equal(1UL, e.Actual?.Value);
    }

    [Fact]
    public async Task Appending_with_StreamExists_fails_on_a_missing_stream_and_succeeds_on_an_existing_one()
    {
        var stream = NewStream();
        var e = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendToStreamAsync(stream, ExpectedRevision.StreamExists, Events(1)));
        Assert.Null(e.Actual);

        await Store.AppendToStreamAsync(stream, ExpectedRevision.Any, Events(1));
        var result = await Store.AppendToStreamAsync(stream, ExpectedRevision.StreamExists, Events(1));
        Assert.Equal(1UL, result.NextExpectedRevision.Value);
    }

    [Fact]
    public async Task Appending_with_an_exact_revision_succeeds_only_when_it_is_the_last_revision()
    {
        var stream = NewStream();
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(3));

        var stale = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendToStreamAsync(stream, ExpectedRevision.Exact(1), Events(1)));
        Assert.Equal(2UL, stale.Actual?.Value);
        Assert.Equal(ExpectedRevision.Exact(1), stale.Expected);

        var ok = await Store.AppendToStreamAsync(stream, ExpectedRevision.Exact(2), Events(2));
        Assert.Equal(4UL, ok.NextExpectedRevision.Value);
    }

    [Fact]
    public async Task Appending_with_an_exact_revision_to_a_missing_stream_reports_no_stream()
    {
        var e = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendToStreamAsync(NewStream(), ExpectedRevision.Exact(0), Events(1)));
        Assert.Null(e.Actual);
    }

    [Fact]
    public async Task Appending_with_Any_succeeds_whatever_the_stream_state()
    {
        var stream = NewStream();
        var first = await Store.AppendToStreamAsync(stream, ExpectedRevision.Any, Events(1));
        var second = await Store.AppendToStreamAsync(stream, ExpectedRevision.Any, Events(1));

        Assert.Equal(0UL, first.NextExpectedRevision.Value);
        Assert.Equal(1UL, second.NextExpectedRevision.Value);
        Assert.True(second.LogPosition > first.LogPosition);
    }

    [Fact]
    public async Task Appending_the_same_event_ids_again_writes_nothing_and_returns_the_original_positions()
    {
        var stream = NewStream();
        var events = Events(3);
        var original = await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, events);
        var other = await Store.AppendToStreamAsync(NewStream(), ExpectedRevision.NoStream, Events(1));

        var again = await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, events);
        var againAny = await Store.AppendToStreamAsync(stream, ExpectedRevision.Any, events);

        Assert.Equal(original, again);
        Assert.Equal(original, againAny);
        Assert.Equal(3, (await Store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 100)).Count);
        Assert.Equal(other.LogPosition, await Store.GetHeadPositionAsync());
    }

    [Fact]
    public async Task Appending_part_of_an_earlier_append_again_fails_and_writes_nothing()
    {
        var stream = NewStream();
        var events = Events(3);
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, events);

        var e = await Assert.ThrowsAsync<IdempotencyMismatchException>(
            () => Store.AppendToStreamAsync(stream, ExpectedRevision.Any, [events[1], Event()]));
        Assert.Equal(stream, e.Stream);
        await Assert.ThrowsAsync<IdempotencyMismatchException>(
            () => Store.AppendToStreamAsync(stream, ExpectedRevision.Any, [events[2], events[1]]));
        Assert.Equal(3, (await Store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 100)).Count);
    }

    [Fact]
    public async Task Recorded_events_keep_id_type_data_and_metadata()
    {
        var stream = NewStream();
        var sent = Event("ContactCreated.v1", 42);
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, [sent]);

        var got = Assert.Single(await Store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 10));
        Assert.Equal(stream, got.Stream);
        Assert.Equal(sent.EventId, got.EventId);
        Assert.Equal("ContactCreated.v1", got.Type);
        Assert.Equal("""{"n": 42}""".Replace(" ", ""), Json(got.Data).Replace(" ", ""));
        Assert.Contains("correlationId", Json(got.Metadata));
        Assert.True(got.Created > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task Checkpoint_store_returns_null_until_stored_and_then_the_last_stored_position()
    {
        var id = "sub-" + Guid.NewGuid().ToString("N");
        Assert.Null(await Checkpoints.LoadAsync(id));

        await Checkpoints.StoreAsync(id, new Position(5, 7));
        await Checkpoints.StoreAsync(id, new Position(9, 11));

        Assert.Equal(new Position(9, 11), await Checkpoints.LoadAsync(id));
    }
}
