using System.Text.Json;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Tests.Support;

namespace ContactSync.Domain.Tests.Contacts;

public sealed class ContactPatchJsonTests
{
    private static readonly Contact Grace = Contact.Fold([Fakes.Created(tags: ["navy"], fields: new ContactFields
    {
        Name = new PersonName("Grace", "Brewster", "Hopper"),
        Company = "Navy",
        Emails = [new EmailAddress("grace@navy.mil", "work")],
    })]);

    private static (ContactFields Fields, IReadOnlyList<string> Tags) Apply(string json)
    {
        var patch = ContactPatchJson.Parse(JsonDocument.Parse(json).RootElement);
        Assert.True(patch.IsValid, patch.Errors.ToString());
        return patch.Value.ApplyTo(Grace.Fields, Grace.Tags);
    }

    [Fact]
    public void Absent_members_stay_and_present_ones_replace()
    {
        var (fields, tags) = Apply("""{"name": {"family": "Murray Hopper"}, "phones": [{"value": "+1 555 0100", "type": "work"}]}""");
        Assert.Equal(new PersonName("Grace", "Brewster", "Murray Hopper"), fields.Name);
        Assert.Equal([new PhoneNumber("+1 555 0100", "work")], fields.Phones);
        Assert.Equal("Navy", fields.Company);
        Assert.Equal(["navy"], tags);
    }

    [Fact]
    public void Null_clears_a_value_a_list_or_the_whole_name()
    {
        var (fields, tags) = Apply("""{"company": null, "emails": null, "tags": null, "name": null}""");
        Assert.Equal((null, 0, 0, PersonName.Empty), (fields.Company, fields.Emails.Count, tags.Count, fields.Name));
    }

    [Fact]
    public void Members_handled_by_other_commands_or_read_only_are_skipped() =>
        Apply("""{"id": "x", "version": 3, "ownerId": "y", "visibility": "company", "followerIds": [], "deleted": false}""");

    [Fact]
    public void Wrong_types_and_unknown_members_are_field_errors()
    {
        var patch = ContactPatchJson.Parse(JsonDocument.Parse("""
            {"company": 42, "emails": {"value": "a@b.c"}, "birthday": "1906-12-09", "name": {"given": ["G"], "nick": "Amazing"}, "emial": "x"}
            """).RootElement);
        Assert.Equal(["company", "emails", "birthday", "name.given", "name.nick", "emial"], patch.Errors.Fields);
    }

    [Fact]
    public void A_body_that_is_not_an_object_is_an_error() =>
        Assert.False(ContactPatchJson.Parse(JsonDocument.Parse("[1]").RootElement).IsValid);

    [Fact]
    public void A_birthday_without_a_year_reads_as_such()
    {
        var (fields, _) = Apply("""{"birthday": {"month": 2, "day": 29}}""");
        Assert.Equal(new Birthday(null, 2, 29), fields.Birthday);
    }
}
