using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Sync;

namespace ContactSync.Domain.Tests.Sync;

public sealed class FieldMergerTests
{
    private static readonly DateTimeOffset Earlier = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Earlier.AddMinutes(5);

    private static ContactFields Everything(ContactFields f) => f;

    // Outlook-like: no gender, at most 3 e-mails, no photo written.
    private static ContactFields OutlookLike(ContactFields f) => f with { Gender = null, Emails = [.. f.Emails.Take(3)], PhotoUrl = null };

    private static readonly ContactFields Agreed = new()
    {
        Name = new PersonName("Anna", Family: "Nowak"),
        Emails = [new EmailAddress("anna@example.com", "work")],
        JobTitle = "Engineer",
        Company = "Acme",
    };

    private static MergeResult Merge(ContactFields crm, ContactFields provider, ConflictPolicy policy = ConflictPolicy.LastWriterWins,
        Func<ContactFields, ContactFields>? retainable = null, DateTimeOffset? crmAt = null, DateTimeOffset? providerAt = null) =>
        FieldMerger.Merge(Agreed, crm, provider, retainable ?? Everything, policy, crmAt ?? Earlier, providerAt ?? Later);

    [Fact]
    public void Nothing_changed_means_nothing_to_write_on_either_side()
    {
        var r = Merge(Agreed, Agreed);
        Assert.False(r.CrmChanges);
        Assert.False(r.ProviderChanges);
        Assert.Empty(r.Conflicts);
        Assert.Equal(Agreed, r.Merged);
    }

    [Fact]
    public void A_field_changed_in_the_crm_only_takes_the_crm_value_and_goes_to_the_provider()
    {
        var r = Merge(Agreed with { JobTitle = "CTO" }, Agreed);
        Assert.Equal("CTO", r.Merged.JobTitle);
        Assert.False(r.CrmChanges);
        Assert.True(r.ProviderChanges);
    }

    [Fact]
    public void A_field_changed_at_the_provider_only_takes_the_provider_value_and_comes_to_the_crm()
    {
        var r = Merge(Agreed, Agreed with { Company = "Globex" });
        Assert.Equal("Globex", r.Merged.Company);
        Assert.True(r.CrmChanges);
        Assert.False(r.ProviderChanges);
    }

    [Fact]
    public void Different_fields_changed_on_each_side_both_survive_without_a_conflict()
    {
        var r = Merge(Agreed with { JobTitle = "CTO" }, Agreed with { Company = "Globex" });
        Assert.Equal(("CTO", "Globex"), (r.Merged.JobTitle, r.Merged.Company));
        Assert.Empty(r.Conflicts);
        Assert.True(r.CrmChanges);
        Assert.True(r.ProviderChanges);
    }

    [Theory]
    [InlineData(ConflictPolicy.CrmWins, "CTO")]
    [InlineData(ConflictPolicy.ProviderWins, "CEO")]
    [InlineData(ConflictPolicy.LastWriterWins, "CEO")]
    public void The_same_field_changed_on_both_sides_follows_the_policy_and_records_the_loser(ConflictPolicy policy, string expected)
    {
        var r = Merge(Agreed with { JobTitle = "CTO" }, Agreed with { JobTitle = "CEO" }, policy);
        Assert.Equal(expected, r.Merged.JobTitle);
        var conflict = Assert.Single(r.Conflicts);
        Assert.Equal("jobTitle", conflict.Field);
        Assert.Equal("CTO", conflict.CrmValue.GetString());
        Assert.Equal("CEO", conflict.ProviderValue.GetString());
        Assert.Equal(expected == "CTO" ? SyncSide.Crm : SyncSide.Provider, conflict.Winner);
    }

    [Fact]
    public void Last_writer_wins_takes_the_crm_when_the_crm_wrote_last()
    {
        var r = Merge(Agreed with { JobTitle = "CTO" }, Agreed with { JobTitle = "CEO" }, crmAt: Later, providerAt: Earlier);
        Assert.Equal("CTO", r.Merged.JobTitle);
        Assert.Equal(SyncSide.Crm, Assert.Single(r.Conflicts).Winner);
    }

    [Fact]
    public void The_same_change_on_both_sides_is_no_conflict_and_no_write()
    {
        var r = Merge(Agreed with { JobTitle = "CTO" }, Agreed with { JobTitle = "CTO" });
        Assert.Empty(r.Conflicts);
        Assert.False(r.CrmChanges);
        Assert.False(r.ProviderChanges);
    }

    [Fact]
    public void An_email_added_on_each_side_keeps_both()
    {
        var crm = Agreed with { Emails = [.. Agreed.Emails, new EmailAddress("a.nowak@home.example", "home")] };
        var provider = Agreed with { Emails = [.. Agreed.Emails, new EmailAddress("anna@other.example", "other")] };
        var r = Merge(crm, provider);
        Assert.Equal(["anna@example.com", "a.nowak@home.example", "anna@other.example"], r.Merged.Emails.Select(e => e.Value));
        Assert.Empty(r.Conflicts);
        Assert.True(r.CrmChanges);
        Assert.True(r.ProviderChanges);
    }

    [Fact]
    public void An_email_removed_at_the_provider_is_removed_in_the_crm()
    {
        var start = Agreed with { Emails = [.. Agreed.Emails, new EmailAddress("old@example.com")] };
        var r = FieldMerger.Merge(start, start, start with { Emails = Agreed.Emails }, Everything, ConflictPolicy.LastWriterWins, Earlier, Later);
        Assert.Equal(["anna@example.com"], r.Merged.Emails.Select(e => e.Value));
    }

    [Fact]
    public void A_value_the_provider_cannot_hold_is_never_cleared_in_the_crm()
    {
        var four = Enumerable.Range(1, 4).Select(i => new EmailAddress($"e{i}@example.com")).ToList();
        var agreed = Agreed with { Gender = "female", Emails = four };
        // The provider holds what it can: no gender, three e-mails; and someone edits the job title there.
        var provider = OutlookLike(agreed) with { JobTitle = "Lead" };
        var r = FieldMerger.Merge(agreed, agreed, provider, OutlookLike, ConflictPolicy.LastWriterWins, Earlier, Later);
        Assert.Equal("female", r.Merged.Gender);
        Assert.Equal(4, r.Merged.Emails.Count);
        Assert.Equal("Lead", r.Merged.JobTitle);
        Assert.False(r.ProviderChanges);
    }

    [Fact]
    public void A_provider_edit_of_a_list_keeps_the_items_it_cannot_hold()
    {
        var four = Enumerable.Range(1, 4).Select(i => new EmailAddress($"e{i}@example.com")).ToList();
        var agreed = Agreed with { Emails = four };
        var provider = OutlookLike(agreed) with { Emails = [four[0], new EmailAddress("new@example.com"), four[2]] };
        var r = FieldMerger.Merge(agreed, agreed, provider, OutlookLike, ConflictPolicy.LastWriterWins, Earlier, Later);
        Assert.Equal(["e1@example.com", "e3@example.com", "e4@example.com", "new@example.com"], r.Merged.Emails.Select(e => e.Value));
    }

    [Fact]
    public void A_provider_photo_comes_only_when_the_crm_contact_has_none()
    {
        var withPhoto = Merge(Agreed with { PhotoUrl = "https://crm.example/a.jpg" }, Agreed with { PhotoUrl = "https://provider.example/b.jpg" });
        Assert.Equal("https://crm.example/a.jpg", withPhoto.Merged.PhotoUrl);
        Assert.Empty(withPhoto.Conflicts);

        var without = Merge(Agreed, Agreed with { PhotoUrl = "https://provider.example/b.jpg" });
        Assert.Equal("https://provider.example/b.jpg", without.Merged.PhotoUrl);
    }

    [Fact]
    public void After_a_pull_whose_push_did_not_land_the_pulled_field_is_agreed_and_the_crms_own_change_is_still_a_change()
    {
        // CRM changed the job title; the provider (as a lagging feed showed it) changed the company.
        var crm = Agreed with { JobTitle = "CTO" };
        var seen = Agreed with { Company = "Globex" };
        var merged = Merge(crm, seen).Merged;
        var kept = FieldMerger.AgreedAfterPull(Agreed, merged, seen, Everything);
        Assert.Equal(Agreed with { Company = "Globex" }, kept);

        // The provider had moved on to another company meanwhile, and the push with the old version failed. The
        // next merge takes the provider's newer company with no conflict, and still pushes the CRM's title.
        var next = FieldMerger.Merge(kept, merged, seen with { Company = "Initech" }, Everything, ConflictPolicy.LastWriterWins, Later, Earlier);
        Assert.Empty(next.Conflicts);
        Assert.Equal(("CTO", "Initech"), (next.Merged.JobTitle, next.Merged.Company));
        Assert.True(next.ProviderChanges);
    }

    [Fact]
    public void Last_writer_wins_per_field_an_edit_of_another_field_does_not_make_an_old_value_new()
    {
        // The CRM set the job title at 9:00 and the company at 9:10; the provider set the job title at 9:05. The
        // provider's title is the later write of that field, though the CRM contact as a whole changed last.
        var actor = Domain.Common.Actor.ForUser(Guid.NewGuid(), "Ada");
        var id = Guid.NewGuid();
        var contact = Contact.Fold([
            new ContactEvent.ContactCreated(Guid.NewGuid(), id, Agreed, [], Guid.NewGuid(), [], ContactVisibility.Owner, actor, Earlier.AddHours(-1)),
            new ContactEvent.ContactUpdated(Guid.NewGuid(), id, [new FieldChange("jobTitle", ContactChanges.ToJson("Engineer"), ContactChanges.ToJson("CTO"))], actor, Earlier),
            new ContactEvent.ContactUpdated(Guid.NewGuid(), id, [new FieldChange("company", ContactChanges.ToJson("Acme"), ContactChanges.ToJson("Globex"))], actor, Earlier.AddMinutes(10)),
        ]);
        Assert.Equal((Earlier, Earlier.AddMinutes(10), Earlier.AddHours(-1)), (contact.ChangedAt("jobTitle"), contact.ChangedAt("company"), contact.ChangedAt("notes")));

        var r = FieldMerger.Merge(Agreed, contact.Fields, Agreed with { JobTitle = "CEO" }, Everything, ConflictPolicy.LastWriterWins,
            path => contact.ChangedAt(path), Earlier.AddMinutes(5));
        var conflict = Assert.Single(r.Conflicts);
        Assert.Equal((SyncSide.Provider, Earlier), (conflict.Winner, conflict.CrmChangedAt));
        Assert.Equal(("CEO", "Globex"), (r.Merged.JobTitle, r.Merged.Company));
    }

    [Fact]
    public void A_state_without_field_times_dates_every_field_to_its_last_update()
    {
        var legacy = Contact.Initial with { CreatedAt = Earlier, UpdatedAt = Later, Version = 3 };
        Assert.Equal(Later, legacy.ChangedAt("jobTitle"));
        var json = System.Text.Json.JsonSerializer.Serialize(legacy with { FieldsChangedAt = new Dictionary<string, DateTimeOffset> { ["notes"] = Later } }, Domain.Serialization.DomainJson.Options);
        var back = System.Text.Json.JsonSerializer.Deserialize<Contact>(json, Domain.Serialization.DomainJson.Options)!;
        Assert.Equal((Later, Earlier), (back.ChangedAt("notes"), back.ChangedAt("jobTitle")));
    }
}
