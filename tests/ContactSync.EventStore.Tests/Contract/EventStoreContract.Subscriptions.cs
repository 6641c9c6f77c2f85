using ContactSync.EventStore.Subscriptions;
using static ContactSync.EventStore.Tests.TestEvents;

namespace ContactSync.EventStore.Tests.Contract;

public abstract partial class EventStoreContract
{
    [Fact]
    public async Task Subscription_from_start_delivers_history_then_caught_up_then_live_events()
    {
        var stream = NewStream();
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(3));
        await using var probe = new SubscriptionProbe(ct => Store.SubscribeToAll(FromAll.Start, ct: ct));

        await probe.WaitForCaughtUpAsync();
        Assert.Equal(3, probe.Events.Count());
        Assert.IsType<SubscriptionMessage.CaughtUp>(probe.Received[3]);

        await Store.AppendToStreamAsync(stream, ExpectedRevision.Exact(2), Events(2));
        await probe.WaitForEventsAsync(5);
        Assert.Equal([0UL, 1UL, 2UL, 3UL, 4UL], probe.Events.Select(e => e.Revision.Value));
    }

    [Fact]
    public async Task Subscription_after_a_checkpoint_delivers_only_later_events()
    {
        var stream = NewStream();
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(2));
        var checkpoint = (await Store.AppendToStreamAsync(stream, ExpectedRevision.Any, Events(1))).LogPosition;
        await Store.AppendToStreamAsync(stream, ExpectedRevision.Any, Events(2));
        await using var probe = new SubscriptionProbe(ct => Store.SubscribeToAll(FromAll.AfterPosition(checkpoint), ct: ct));

        await probe.WaitForCaughtUpAsync();

        Assert.Equal([3UL, 4UL], probe.Events.Select(e => e.Revision.Value));
    }

    [Fact]
    public async Task Catch_up_over_many_pages_delivers_every_event_once_in_order()
    {
        const int total = CatchUpSubscription.PageSize * 2 + 37;
        var appended = new List<Guid>();
        for (var i = 0; i < total / 50 + 1; i++)
        {
            var batch = Events(Math.Min(50, total - appended.Count));
            if (batch.Length == 0) break;
            await Store.AppendToStreamAsync(NewStream(), ExpectedRevision.NoStream, batch);
            appended.AddRange(batch.Select(e => e.EventId));
        }
        await using var probe = new SubscriptionProbe(ct => Store.SubscribeToAll(FromAll.Start, ct: ct));

        await probe.WaitForCaughtUpAsync();

        Assert.Equal(appended, probe.Events.Select(e => e.EventId));
    }

    [Fact]
    public async Task Filtered_subscription_delivers_matching_events_and_checkpoints_past_the_others()
    {
        var contact = NewStream("Contact");
        await Store.AppendToStreamAsync(contact, ExpectedRevision.NoStream, Events(2));
        var skipped = await Store.AppendToStreamAsync(NewStream("Other"), ExpectedRevision.NoStream, Events(3));
        await using var probe = new SubscriptionProbe(
            ct => Store.SubscribeToAll(FromAll.Start, EventFilter.StreamPrefix("Contact-"), ct));

        await probe.WaitForCaughtUpAsync();
        Assert.Equal(2, probe.Events.Count());
        Assert.Equal(skipped.LogPosition, probe.Received.OfType<SubscriptionMessage.Checkpoint>().Last().Position);

        await Store.AppendToStreamAsync(NewStream("Other"), ExpectedRevision.NoStream, Events(1));
        await Store.AppendToStreamAsync(contact, ExpectedRevision.Any, [Event("Live")]);
        await probe.WaitUntilAsync(p => p.Events.Any(e => e.Type == "Live"), "the live contact event");
        Assert.All(probe.Events, e => Assert.Equal(contact, e.Stream));
        Assert.Equal(3, probe.Events.Count());
    }

    [Fact]
    public async Task Event_type_filtered_subscription_delivers_only_those_types()
    {
        var stream = NewStream();
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, [Event("A"), Event("B"), Event("A")]);
        await using var probe = new SubscriptionProbe(ct => Store.SubscribeToAll(FromAll.Start, EventFilter.EventType("B"), ct));

        await probe.WaitForCaughtUpAsync();

        var only = Assert.Single(probe.Events);
        Assert.Equal(1UL, only.Revision.Value);
    }

    [Fact]
    public async Task A_subscription_resumed_from_a_stored_checkpoint_continues_where_it_stopped()
    {
        var stream = NewStream();
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream, Events(4));
        const string id = "resume";
        await using (var first = new SubscriptionProbe(ct => Store.SubscribeToAll(FromAll.Start, ct: ct)))
        {
            await first.WaitForEventsAsync(2);
            await Checkpoints.StoreAsync(id, first.Events.ElementAt(1).Position);
        }
        await Store.AppendToStreamAsync(stream, ExpectedRevision.Any, Events(1));

        var checkpoint = await Checkpoints.LoadAsync(id);
        await using var second = new SubscriptionProbe(ct => Store.SubscribeToAll(FromAll.AfterPosition(checkpoint!.Value), ct: ct));
        await second.WaitForEventsAsync(3);

        Assert.Equal([2UL, 3UL, 4UL], second.Events.Select(e => e.Revision.Value));
    }
}
