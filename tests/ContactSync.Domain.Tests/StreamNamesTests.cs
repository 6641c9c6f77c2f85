using ContactSync.Domain.Common;

namespace ContactSync.Domain.Tests;

public sealed class StreamNamesTests
{
    [Fact]
    public void Stream_names_are_category_dash_id_and_parse_back()
    {
        var id = Guid.CreateVersion7();
        Assert.Equal($"Contact-{id}", StreamNames.Contact(id));
        Assert.Equal(["Tenant", "Role", "User", "List"], new[] { StreamNames.Tenant(id), StreamNames.Role(id), StreamNames.User(id), StreamNames.List(id) }.Select(s => s.Split('-')[0]));

        Assert.True(StreamNames.TryParse(StreamNames.List(id), out var category, out var parsed));
        Assert.Equal((StreamNames.ListCategory, id), (category, parsed));
        Assert.False(StreamNames.TryParse("Contact-not-a-guid", out _, out _));
        Assert.False(StreamNames.TryParse("nodash", out _, out _));
    }
}
