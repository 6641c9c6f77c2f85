using System.Text;
using static ContactSync.EventStore.Tests.TestEvents;

namespace ContactSync.EventStore.Tests.Contract;

public abstract partial class EventStoreContract
{
    [Fact]
    public async Task A_soft_deleted_stream_reads_as_not_found()
    {
        var stream = NewStream();
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(2));

        await Store.DeleteStreamAsync(stream, ExpectedRevision.Exact(1));

        await Assert.ThrowsAsync<StreamNotFoundException>(
            () => Store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 10));
    }

    [Fact]
    public async Task Appending_to_a_soft_deleted_stream_reopens_it_at_the_next_revision_without_the_old_events()
    {
        var stream = NewStream();
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(3));
        await Store.DeleteStreamAsync(stream, ExpectedRevision.Any);

        var reopened = await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(2));

        Assert.Equal(4UL, reopened.NextExpectedRevision.Value);
        var read = await Store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 10);
        Assert.Equal([3UL, 4UL], read.Select(e => e.Revision.Value));
        Assert.Equal(3UL, (await Store.GetStreamMetadataAsync(stream)).TruncateBefore?.Value);
    }

    [Fact]
    public async Task Deleting_with_a_wrong_expected_revision_fails_and_keeps_the_stream()
    {
        var stream = NewStream();
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(2));

        var e = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.DeleteStreamAsync(stream, ExpectedRevision.Exact(0)));

        Assert.Equal(1UL, e.Actual?.Value);
        Assert.Equal(2, (await Store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 10)).Count);
    }

    [Fact]
    public async Task A_tombstoned_stream_refuses_appends_and_reads_and_leaves_a_deleted_marker_in_all()
    {
        var stream = NewStream();
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(2));

        await Store.TombstoneAsync(stream, ExpectedRevision.StreamExists);

        await Assert.ThrowsAsync<StreamDeletedException>(() => Store.AppendToStreamAsync(stream, ExpectedRevision.Any, Events(1)));
        await Assert.ThrowsAsync<StreamDeletedException>(
            () => Store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 10));
        await Assert.ThrowsAsync<StreamDeletedException>(() => Store.TombstoneAsync(stream, ExpectedRevision.Any));
        var last = Assert.Single(await Store.ReadAllAsync(Direction.Backwards, Position.End, 1));
        Assert.Equal("$streamDeleted", last.Type);
        Assert.Equal(stream, last.Stream);
    }

    [Fact]
    public async Task Stream_metadata_round_trips_and_can_be_set_before_the_stream_exists()
    {
        var stream = NewStream();
        Assert.Equal(StreamMetadata.None.MaxCount, (await Store.GetStreamMetadataAsync(stream)).MaxCount);
        var custom = Encoding.UTF8.GetBytes("""{"owner":"crm"}""");

        await Store.SetStreamMetadataAsync(stream, new StreamMetadata(10, TimeSpan.FromDays(2), 3, custom));

        var got = await Store.GetStreamMetadataAsync(stream);
        Assert.Equal(10, got.MaxCount);
        Assert.Equal(TimeSpan.FromDays(2), got.MaxAge);
        Assert.Equal(3UL, got.TruncateBefore?.Value);
        Assert.Equal("""{"owner":"crm"}""".Replace(" ", ""), Json(got.CustomMetadata).Replace(" ", ""));
        await Assert.ThrowsAsync<StreamNotFoundException>(
            () => Store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 10));
        var created = await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(1));
        Assert.Equal(0UL, created.NextExpectedRevision.Value);
    }

    [Fact]
    public async Task MaxCount_keeps_only_the_last_events_visible()
    {
        var stream = NewStream();
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(5));

        await Store.SetStreamMetadataAsync(stream, new StreamMetadata(MaxCount: 2));

        var forwards = await Store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 10);
        var backwards = await Store.ReadStreamAsync(stream, Direction.Backwards, StreamPosition.End, 10);
        Assert.Equal([3UL, 4UL], forwards.Select(e => e.Revision.Value));
        Assert.Equal([4UL, 3UL], backwards.Select(e => e.Revision.Value));
    }

    [Fact]
    public async Task TruncateBefore_hides_earlier_revisions()
    {
        var stream = NewStream();
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(5));

        await Store.SetStreamMetadataAsync(stream, new StreamMetadata(TruncateBefore: 3));

        var read = await Store.ReadStreamAsync(stream, Direction.Forwards, StreamPosition.Start, 10);
        Assert.Equal([3UL, 4UL], read.Select(e => e.Revision.Value));
    }

    [Fact]
    public async Task MaxAge_hides_events_once_they_are_older_than_the_age()
    {
        var kept = NewStream();
        var expiring = NewStream();
        await Store.AppendToStreamAsync(kept, ExpectedRevision.NoStream, Events(2));
        await Store.AppendToStreamAsync(expiring, ExpectedRevision.NoStream, Events(2));
        await Store.SetStreamMetadataAsync(kept, new StreamMetadata(MaxAge: TimeSpan.FromHours(1)));

        await Store.SetStreamMetadataAsync(expiring, new StreamMetadata(MaxAge: TimeSpan.FromMilliseconds(50)));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await Store.ReadStreamAsync(expiring, Direction.Forwards, StreamPosition.Start, 10)).Count > 0)
            Assert.True(DateTime.UtcNow < deadline, "events older than max age are still visible");
        Assert.Equal(2, (await Store.ReadStreamAsync(kept, Direction.Forwards, StreamPosition.Start, 10)).Count);
    }
}
