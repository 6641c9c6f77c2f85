using ContactSync.Domain.Common;
using ContactSync.Domain.Lists;
using ContactSync.Domain.Tests.Support;
using static ContactSync.Domain.Lists.ListCommand;
using static ContactSync.Domain.Lists.ListEvent;

namespace ContactSync.Domain.Tests.Lists;

public sealed class ListDeciderTests
{
    private readonly Guid tenant = Guid.CreateVersion7();
    private readonly Guid id = Guid.CreateVersion7();
    private readonly Guid creator = Guid.CreateVersion7();
    private readonly Actor actor = Fakes.User();
    private readonly DateTimeOffset at = Fakes.T0;

    private ListCreated Created => new(tenant, id, "Customers", new ListFilter(Tags: ["customer"]), creator, actor, at);

    [Fact]
    public void Creating_a_list_records_its_clean_filter_and_creator() =>
        Specs.List().When(new CreateList(tenant, id, "Customers", new ListFilter([" customer ", "Customer"], [], " ", null), creator, actor, at))
            .Then(Created);

    [Fact]
    public void A_list_filter_over_its_limits_is_refused() =>
        Specs.List().When(new CreateList(tenant, id, "Big", new ListFilter(Q: new string('q', 201)), creator, actor, at)).Throws("list.filter-invalid");

    [Fact]
    public void Creating_a_list_twice_is_refused() =>
        Specs.List().Given(Created).When(new CreateList(tenant, id, "Customers", ListFilter.All, creator, actor, at)).Throws("list.already-exists");

    [Fact]
    public void Renaming_records_the_previous_name() =>
        Specs.List().Given(Created).When(new RenameList(id, "Clients", actor, at)).Then(new ListRenamed(tenant, id, "Customers", "Clients", actor, at));

    [Fact]
    public void Changing_the_filter_to_an_equal_filter_is_a_no_op() =>
        Specs.List().Given(Created).When(new ChangeListFilter(id, new ListFilter(Tags: ["customer"]), actor, at)).Then();

    [Fact]
    public void Changing_the_filter_records_old_and_new()
    {
        var owners = new[] { Guid.CreateVersion7() };
        Specs.List().Given(Created).When(new ChangeListFilter(id, new ListFilter(OwnerIds: owners), actor, at))
            .Then(new ListFilterChanged(tenant, id, new ListFilter(Tags: ["customer"]), new ListFilter(OwnerIds: owners), actor, at));
    }

    [Fact]
    public void A_deleted_list_cannot_be_renamed_and_deleting_it_again_is_a_no_op()
    {
        Specs.List().Given(Created).When(new DeleteList(id, actor, at)).Then(new ListDeleted(tenant, id, actor, at));
        Specs.List().Given(Created, new ListDeleted(tenant, id, actor, at)).When(new DeleteList(id, actor, at)).Then();
        Specs.List().Given(Created, new ListDeleted(tenant, id, actor, at)).When(new RenameList(id, "X", actor, at)).Throws("list.deleted");
    }

    [Fact]
    public void A_missing_list_cannot_be_changed() =>
        Specs.List().When(new RenameList(id, "X", actor, at)).Throws("list.not-found");
}
