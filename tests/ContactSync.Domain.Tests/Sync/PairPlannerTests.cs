using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Sync;

namespace ContactSync.Domain.Tests.Sync;

/// <summary>The decisions about linked pairs, without a store or a provider: each case of <see cref="PairAction"/>.</summary>
public sealed class PairPlannerTests
{
    private static readonly DateTimeOffset Earlier = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Me = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Other = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    private static readonly ContactFields Agreed = new()
    {
        Name = new PersonName("Anna", Family: "Nowak"),
        Emails = [new EmailAddress("anna@example.com", "work")],
        JobTitle = "Engineer",
    };

    private static readonly Contact Crm = Contact.Initial with
    {
        Id = Guid.Parse("00000000-0000-0000-0000-000000000001"), OwnerId = Me, Fields = Agreed, Version = 3, CreatedAt = Earlier, UpdatedAt = Earlier,
    };

    private static readonly ContactLink Link = new(Crm.Id, "people/c1", "v2", Agreed, CreatedBySync: false, Earlier);

    private static PairRules Rules(SyncDirection direction = SyncDirection.TwoWay, ProviderDeletes deletes = ProviderDeletes.Keep,
        Func<ContactFields, ContactFields>? retainable = null) =>
        new(ConnectionSettings.Default with { Direction = direction, ProviderDeletes = deletes }, retainable ?? (f => f));

    private static PairProvider Provider(ContactFields fields, string etag = "v3") => new("people/c1", etag, fields, Earlier.AddMinutes(10));

    [Fact]
    public void The_agreed_version_echoing_back_is_skipped()
    {
        var action = PairPlanner.OnProviderChange(Link, Crm with { Fields = Agreed with { JobTitle = "CTO" } }, Provider(Agreed with { JobTitle = "X" }, "v2"), Rules());
        Assert.Equal(new PairAction.Skip(SkipReason.Agreed), action);
    }

    [Fact]
    public void A_version_the_link_moved_past_is_old_news_never_merged()
    {
        var moved = Link.MovedTo(Link.ProviderId, "v3", Agreed with { JobTitle = "CTO" }, Earlier.AddMinutes(1));
        var action = PairPlanner.OnProviderChange(moved, Crm, Provider(Agreed with { JobTitle = "Old" }, "v2"), Rules());
        Assert.Equal(new PairAction.Skip(SkipReason.PastVersion), action);
    }

    [Fact]
    public void A_provider_edit_is_pulled_and_agreed_without_writing_back()
    {
        var theirs = Agreed with { JobTitle = "CTO" };
        var agree = Assert.IsType<PairAction.Agree>(PairPlanner.OnProviderChange(Link, Crm, Provider(theirs), Rules()));
        Assert.Equal(theirs, agree.Pull);
        Assert.Equal(theirs, agree.Fields);
        Assert.Empty(agree.Conflicts);
    }

    [Fact]
    public void Edits_on_both_sides_of_different_fields_pull_one_and_push_the_other_with_what_was_pulled_agreed_first()
    {
        var crm = Crm with { Fields = Agreed with { Notes = "met at the fair" } };
        var push = Assert.IsType<PairAction.Push>(PairPlanner.OnProviderChange(Link, crm, Provider(Agreed with { JobTitle = "CTO" }), Rules()));
        Assert.Equal(Agreed with { JobTitle = "CTO", Notes = "met at the fair" }, push.Pull);
        Assert.Equal(push.Pull, push.Fields);
        Assert.Equal(Agreed with { JobTitle = "CTO" }, push.AgreedSoFar);   // the CRM's own note is still its pending change
    }

    [Fact]
    public void The_same_field_edited_on_both_sides_is_a_conflict_the_later_writer_wins()
    {
        var crm = Crm with { Fields = Agreed with { JobTitle = "Lead" }, UpdatedAt = Earlier.AddMinutes(20), FieldsChangedAt = new Dictionary<string, DateTimeOffset> { ["jobTitle"] = Earlier.AddMinutes(20) } };
        var push = Assert.IsType<PairAction.Push>(PairPlanner.OnProviderChange(Link, crm, Provider(Agreed with { JobTitle = "CTO" }), Rules()));
        var conflict = Assert.Single(push.Conflicts);
        Assert.Equal("jobTitle", conflict.Field);
        Assert.Equal(SyncSide.Crm, conflict.Winner);
        Assert.Null(push.Pull);
        Assert.Equal("Lead", push.Fields.JobTitle);
    }

    [Fact]
    public void One_way_directions_never_write_against_the_direction()
    {
        var crm = Crm with { Fields = Agreed with { Notes = "ours" } };
        var provider = Provider(Agreed with { JobTitle = "CTO" });
        var toProvider = Assert.IsType<PairAction.Push>(PairPlanner.OnProviderChange(Link, crm, provider, Rules(SyncDirection.ToProvider)));
        Assert.Null(toProvider.Pull);
        Assert.Equal(crm.Fields, toProvider.Fields);
        var fromProvider = Assert.IsType<PairAction.Agree>(PairPlanner.OnProviderChange(Link, crm, provider, Rules(SyncDirection.FromProvider)));
        Assert.Equal(Agreed with { JobTitle = "CTO", Notes = "ours" }, fromProvider.Pull);
    }

    [Fact]
    public void A_pair_linked_in_this_run_merges_from_nothing_agreed_so_no_value_is_dropped()
    {
        var action = PairPlanner.OnProviderChange(null, Crm, Provider(Agreed with { JobTitle = "CTO" }, "v2"), Rules());
        // Both values are new, so they are a conflict the user sees; the provider's, written later, wins.
        var agree = Assert.IsType<PairAction.Agree>(action);
        Assert.Equal(SyncSide.Provider, Assert.Single(agree.Conflicts).Winner);
        Assert.Equal("CTO", agree.Pull?.JobTitle);
    }

    [Fact]
    public void A_crm_edit_is_pushed_only_when_the_provider_can_hold_a_difference()
    {
        Func<ContactFields, ContactFields> noGender = f => f with { Gender = null };
        Assert.Equal(new PairAction.Skip(SkipReason.Agreed), PairPlanner.OnCrmEdit(Link, Crm with { Fields = Agreed with { Gender = "female" } }, Rules(retainable: noGender)));
        var push = Assert.IsType<PairAction.Push>(PairPlanner.OnCrmEdit(Link, Crm with { Fields = Agreed with { JobTitle = "CTO" } }, Rules()));
        Assert.Equal("CTO", push.Fields.JobTitle);
        Assert.Null(push.Pull);
    }

    private static List<(ContactLink, UnlinkReason)> Removed(int n, UnlinkReason reason = UnlinkReason.ProviderDeleted) =>
        [.. Enumerable.Range(0, n).Select(i => (Link with { ContactId = Guid.CreateVersion7(), ProviderId = $"people/c{i}" }, reason))];

    [Fact]
    public void Many_provider_deletes_at_once_pause_unless_confirmed_or_on_a_first_sync()
    {
        var removed = Removed(MassDeleteGuard.MinDeletes + 1);
        Assert.Equal(new RemovalPlan.Pause(removed.Count, 20), PairPlanner.OnRemovals(removed, 20, firstSync: false, confirmed: false, ConnectionSettings.Default));
        Assert.IsType<RemovalPlan.Apply>(PairPlanner.OnRemovals(removed, 20, firstSync: false, confirmed: true, ConnectionSettings.Default));
        Assert.IsType<RemovalPlan.Apply>(PairPlanner.OnRemovals(removed, 20, firstSync: true, confirmed: false, ConnectionSettings.Default));
        Assert.IsType<RemovalPlan.Apply>(PairPlanner.OnRemovals(removed, 1000, firstSync: false, confirmed: false, ConnectionSettings.Default));
    }

    [Theory]
    [InlineData(SyncDirection.TwoWay, ProviderDeletes.Delete, UnlinkReason.ProviderDeleted, true)]
    [InlineData(SyncDirection.TwoWay, ProviderDeletes.Delete, UnlinkReason.LeftGroup, false)]
    [InlineData(SyncDirection.TwoWay, ProviderDeletes.Keep, UnlinkReason.ProviderDeleted, false)]
    [InlineData(SyncDirection.ToProvider, ProviderDeletes.Delete, UnlinkReason.ProviderDeleted, false)]
    [InlineData(SyncDirection.FromProvider, ProviderDeletes.Delete, UnlinkReason.ProviderDeleted, true)]
    public void A_provider_removal_deletes_in_the_crm_only_when_deleted_there_pulled_and_asked_for_and_always_unlinks(
        SyncDirection direction, ProviderDeletes deletes, UnlinkReason reason, bool deleteInCrm)
    {
        var settings = ConnectionSettings.Default with { Direction = direction, ProviderDeletes = deletes };
        var apply = Assert.IsType<RemovalPlan.Apply>(PairPlanner.OnRemovals(Removed(1, reason), 10, firstSync: false, confirmed: false, settings));
        Assert.Equal(new PairAction.Remove(deleteInCrm, reason), Assert.Single(apply.Removals).Action);
    }

    [Fact]
    public void A_contact_leaving_the_scope_leaves_the_provider_deleted_there_only_if_the_sync_created_it()
    {
        var ours = Link with { CreatedBySync = true };
        Assert.Equal(new PairAction.Skip(SkipReason.StillInScope), PairPlanner.OnLeavingScope(ours, Crm, null, Me));
        Assert.Equal(new PairAction.Leave(true, UnlinkReason.LeftScope), PairPlanner.OnLeavingScope(ours, Crm with { OwnerId = Other }, null, Me));
        Assert.Equal(new PairAction.Leave(false, UnlinkReason.CrmDeleted), PairPlanner.OnLeavingScope(Link, Crm with { Deleted = true }, null, Me));
        var list = new ListFilter(Tags: ["vip"]);
        Assert.Equal(new PairAction.Leave(false, UnlinkReason.LeftScope), PairPlanner.OnLeavingScope(Link, Crm, list, Me));
        Assert.Equal(new PairAction.Skip(SkipReason.StillInScope), PairPlanner.OnLeavingScope(Link, Crm with { Tags = ["vip"] }, list, Me));
    }
}
