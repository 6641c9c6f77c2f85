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
        Assert.Equal([b], s.PendingCreates);
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
        Assert.Equal(new ContactLink(contact, "people/c1", "e2", changed, true), s.Links[contact]);
        Assert.True(s.FirstSyncDone);
        Assert.Null(s.RunningRun);
        Assert.Equal(3, s.Version);
    }
}
