using ContactSync.Domain.Contacts;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Tests.Support;

namespace ContactSync.Domain.Tests.Lists;

public sealed class ListFilterTests
{
    private static readonly Guid Owner = Guid.CreateVersion7();

    private static readonly Contact Ada = Contact.Fold([Fakes.Created(ownerId: Owner, tags: ["VIP", "lead"], fields: new ContactFields
    {
        Name = new PersonName("Ada", Family: "Lovelace"),
        Company = "Analytical Engines",
        Emails = [new EmailAddress("ada@engines.example")],
        Phones = [new PhoneNumber("+44 (0)20 7946 0958", null, "+442079460958")],
    })]);

    [Fact]
    public void An_empty_filter_matches_every_live_contact() => Assert.True(ListFilter.All.Matches(Ada));

    [Fact]
    public void Deleted_contacts_never_match()
    {
        var deleted = Ada with { Deleted = true };
        Assert.False(ListFilter.All.Matches(deleted));
    }

    [Fact]
    public void Tags_must_all_be_present_ignoring_case()
    {
        Assert.True(new ListFilter(Tags: ["vip", "LEAD"]).Matches(Ada));
        Assert.False(new ListFilter(Tags: ["vip", "customer"]).Matches(Ada));
    }

    [Fact]
    public void The_owner_must_be_one_of_the_owners()
    {
        Assert.True(new ListFilter(OwnerIds: [Guid.CreateVersion7(), Owner]).Matches(Ada));
        Assert.False(new ListFilter(OwnerIds: [Guid.CreateVersion7()]).Matches(Ada));
    }

    [Fact]
    public void Company_matches_whole_ignoring_case()
    {
        Assert.True(new ListFilter(Company: "analytical engines").Matches(Ada));
        Assert.False(new ListFilter(Company: "Analytical").Matches(Ada));
    }

    [Theory]
    [InlineData("lovelace")]
    [InlineData("ENGINES.example")]
    [InlineData("2079460958")]
    [InlineData("(0)20")]
    [InlineData("vip")]
    public void Free_text_searches_names_emails_phones_company_and_tags(string q) => Assert.True(new ListFilter(Q: q).Matches(Ada));

    [Fact]
    public void Free_text_that_is_nowhere_does_not_match_and_all_parts_must_hold() =>
        Assert.False(new ListFilter(Tags: ["vip"], Q: "babbage").Matches(Ada));
}
