using static ContactSync.EventStore.Tests.TestEvents;

namespace ContactSync.EventStore.Tests.Contract;

public abstract partial class EventStoreContract
{
    [Fact]
    public async Task Reading_a_stream_forwards_from_a_revision_returns_that_revision_and_later_in_order()
    {
        var stream = NewStream();
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(10));

        var page = await Store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.FromRevision(4), 3);

        Assert.Equal([4UL, 5UL, 6UL], page.Select(e => e.Revision.Value));
        Assert.True(page[0].Position < page[1].Position && page[1].Position < page[2].Position);
    }

    [Fact]
    public async Task Reading_a_stream_backwards_returns_newest_first_from_the_end_or_a_revision()
    {
        var stream = NewStream();
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(5));

        var fromEnd = await Store.ReadStreamAsync(stream, Direction.Backwards, StreamPosition.End, 2);
        var fromTwo = await Store.ReadStreamAsync(stream, Direction.Backwards, StreamPosition.FromRevision(2), 10);

        Assert.Equal([4UL, 3UL], fromEnd.Select(e => e.Revision.Value));
        Assert.Equal([2UL, 1UL, 0UL], fromTwo.Select(e => e.Revision.Value));
    }

    [Fact]
    public async Task Reading_a_stream_that_was_never_written_throws_StreamNotFound()
    {
        var stream = NewStream();
        var e = await Assert.ThrowsAsync<StreamNotFoundException>(
            () => Store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 10));
        Assert.Equal(stream, e.Stream);
    }

    [Fact]
    public async Task Reading_all_forwards_is_inclusive_and_backwards_is_exclusive_of_the_position()
    {
        var a = NewStream();
        var b = NewStream();
        await Store.AppendToStreamAsync(a, ExpectedRevision.NoStream, Events(2));
        await Store.AppendToStreamAsync(b, ExpectedRevision.NoStream, Events(2));
        await Store.AppendToStreamAsync(a, ExpectedRevision.Exact(1), Events(1));

        var all = await Store.ReadAllAsync(Direction.Forwards, Position.Start, 100);
        Assert.Equal(5, all.Count);
        Assert.Equal([a, a, b, b, a], all.Select(e => e.Stream));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Position < p.Second.Position));

        var fromThird = await Store.ReadAllAsync(Direction.Forwards, all[2].Position, 2);
        Assert.Equal(all.Skip(2).Take(2).Select(e => e.EventId), fromThird.Select(e => e.EventId));

        var backFromEnd = await Store.ReadAllAsync(Direction.Backwards, Position.End, 2);
        Assert.Equal([all[4].EventId, all[3].EventId], backFromEnd.Select(e => e.EventId));

        var backFromThird = await Store.ReadAllAsync(Direction.Backwards, all[2].Position, 10);
        Assert.Equal([all[1].EventId, all[0].EventId], backFromThird.Select(e => e.EventId));
    }

    [Fact]
    public async Task Reading_all_with_a_stream_prefix_filter_returns_only_those_streams()
    {
        var contact = NewStream("Contact");
        var other = NewStream("Connection");
        await Store.AppendToStreamAsync(contact, ExpectedRevision.NoStream, Events(2));
        await Store.AppendToStreamAsync(other, ExpectedRevision.NoStream, Events(3));
        await Store.AppendToStreamAsync(contact, ExpectedRevision.Any, Events(1));

        var forwards = await Store.ReadAllAsync(Direction.Forwards, Position.Start, 100, EventFilter.StreamPrefix("Contact-"));
        var backwards = await Store.ReadAllAsync(Direction.Backwards, Position.End, 2, EventFilter.StreamPrefix("Contact-"));

        Assert.Equal(3, forwards.Count);
        Assert.All(forwards, e => Assert.Equal(contact, e.Stream));
        Assert.Equal([2UL, 1UL], backwards.Select(e => e.Revision.Value));
    }

    [Fact]
    public async Task Reading_all_with_an_event_type_filter_returns_only_those_types()
    {
        var stream = NewStream();
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream,
            [Event("Created"), Event("Renamed"), Event("Deleted"), Event("Renamed")]);

        var renamed = await Store.ReadAllAsync(Direction.Forwards, Position.Start, 100, EventFilter.EventType("Renamed", "Deleted"));

        Assert.Equal(["Renamed", "Deleted", "Renamed"], renamed.Select(e => e.Type));
        Assert.Equal([1UL, 2UL, 3UL], renamed.Select(e => e.Revision.Value));
    }

    [Fact]
    public async Task Head_position_is_the_position_of_the_last_appended_event()
    {
        Assert.Equal(Position.Start, await Store.GetHeadPositionAsync());
        await Store.AppendToStreamAsync(NewStream(), ExpectedRevision.NoStream, Events(2));
        var last = await Store.AppendToStreamAsync(NewStream(), ExpectedRevision.NoStream, Events(3));

        Assert.Equal(last.LogPosition, await Store.GetHeadPositionAsync());
    }
}
