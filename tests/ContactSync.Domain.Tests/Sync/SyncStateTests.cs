using ContactSync.Domain.Contacts;
using ContactSync.Domain.Sync;
using static ContactSync.Domain.Sync.SyncEvent;

namespace ContactSync.Domain.Tests.Sync;

public sealed class SyncStateTests
{
    private static readonly Guid Tenant = Guid.NewGuid(), Connection = Guid.NewGuid(), Run = Guid.NewGuid();
    private static readonly DateTimeOffset At = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly ContactFields Fields = new() { Name = new PersonName("Jan", Family: "Kowalski") };

    [Fact]
    public void A_link_is_found_both_ways_and_ends_both_ways()
    {
        var contact = Guid.NewGuid();
        var s = SyncState.Fold([new ContactLinked(Tenant, Connection, Run, contact, "people/c1", "e1", Fields, true, At)]);
        Assert.Equal("people/c1", s.Links[contact].ProviderId);
        Assert.Equal(contact, s.ByProviderId["people/c1"]);

        s = SyncState.Evolve(s, new ContactUnlinked(Tenant, Connection, Run, contact, "people/c1", UnlinkReason.LeftScope, At));
        Assert.Empty(s.Links);
        Assert.Empty(s.ByProviderId);
    }

    [Fact]
    public void A_create_stays_pending_until_it_is_linked_so_a_lost_answer_is_looked_up_not_sent_again()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var s = SyncState.Fold([
            new SyncRunStarted(Tenant, Connection, Run, RunKind.FirstSync, At),
            new ProviderCreatesIntended(Tenant, Connection, Run, [a, b], At),
            new ContactLinked(Tenant, Connection, Run, a, "people/c1", "e1", Fields, true, At),
        ]);
        Assert.Equal([b], s.PendingCreates.Keys);
        Assert.Equal(At, s.PendingCreates[b]);
        Assert.Equal(Run, s.RunningRun);
        Assert.False(s.FirstSyncDone);
    }

    [Fact]
    public void An_agreement_moves_the_version_and_the_agreed_content_and_keeps_who_created_it()
    {
        var contact = Guid.NewGuid();
        var changed = Fields with { JobTitle = "CTO" };
        var s = SyncState.Fold([
            new ContactLinked(Tenant, Connection, Run, contact, "people/c1", "e1", Fields, true, At),
            new LinkAgreed(Tenant, Connection, Run, contact, "people/c1", "e2", changed, At),
            new CursorSaved(Tenant, Connection, "token-1", At),
            new SyncRunCompleted(Tenant, Connection, Run, RunCounts.Zero, [], At),
        ]);
        var link = s.Links[contact];
        Assert.Equal(("people/c1", "e2", changed, true), (link.ProviderId, link.ProviderVersion, link.Agreed, link.CreatedBySync));
        Assert.True(link.IsPastVersion("e1"));   // a lagging feed that still shows e1 is old news
        Assert.False(link.IsPastVersion("e2"));
        Assert.True(s.FirstSyncDone);
        Assert.Null(s.RunningRun);
        Assert.Equal(3, s.Version);
    }

    [Fact]
    public void A_link_keeps_only_its_last_few_past_versions_and_a_new_provider_id_starts_afresh()
    {
        var contact = Guid.NewGuid();
        var events = new List<SyncEvent> { new ContactLinked(Tenant, Connection, Run, contact, "c1", "v0", Fields, true, At) };
        for (var i = 1; i <= 20; i++) events.Add(new LinkAgreed(Tenant, Connection, Run, contact, "c1", $"v{i}", Fields, At.AddSeconds(i)));
        var link = SyncState.Fold(events).Links[contact];
        Assert.Equal([.. Enumerable.Range(12, 8).Select(i => $"v{i}")], link.PastVersions!);
        Assert.Equal(At.AddSeconds(20), link.AgreedAt);

        events.Add(new LinkAgreed(Tenant, Connection, Run, contact, "c2", "w1", Fields, At));   // an Outlook move gives a new id
        Assert.Empty(SyncState.Fold(events).Links[contact].PastVersions!);
    }

    [Fact]
    public void A_subscription_is_kept_until_it_ends()
    {
        var s = SyncState.Fold([new NotificationsSubscribed(Tenant, Connection, "sub-1", At.AddDays(2), At)]);
        Assert.Equal(new NotificationSubscription("sub-1", At.AddDays(2)), s.Subscription);
        Assert.Null(SyncState.Evolve(s, new NotificationsEnded(Tenant, Connection, "sub-1", At)).Subscription);
        Assert.NotNull(SyncState.Evolve(s, new NotificationsEnded(Tenant, Connection, "sub-0", At)).Subscription);
    }
}
