using ContactSync.Domain.Validation;

namespace ContactSync.Domain.Tests.Validation;

public sealed class EmailSyntaxTests
{
    [Theory]
    [InlineData("ada@example.com")]
    [InlineData("Ada.Lovelace+crm@mail.example.co.uk")]
    [InlineData("o'brien@example.ie")]
    [InlineData("x_y-z!#$%&'*+/=?^`{|}~@example.org")]
    [InlineData("user@münchen.de")]
    [InlineData("почта@пример.рф")]
    [InlineData("用户@例子.中国")]
    [InlineData("user@xn--mnchen-3ya.de")]
    public void Ordinary_and_internationalised_addresses_are_accepted(string address) => Assert.Null(EmailSyntax.Check(address));

    [Theory]
    [InlineData("plainaddress")]
    [InlineData("@example.com")]
    [InlineData("ada@")]
    [InlineData("ada@example")]
    [InlineData("ada@@example.com")]
    [InlineData(".ada@example.com")]
    [InlineData("ada.@example.com")]
    [InlineData("a..da@example.com")]
    [InlineData("ada lovelace@example.com")]
    [InlineData("\"ada\"@example.com")]
    [InlineData("ada@[127.0.0.1]")]
    [InlineData("ada@127.0.0.1")]
    [InlineData("ada@-example.com")]
    [InlineData("ada@exa_mple.com")]
    [InlineData("ada@example..com")]
    [InlineData("<script>@example.com")]
    [InlineData("ada@example.com\n")]
    public void Malformed_addresses_are_refused(string address) => Assert.NotNull(EmailSyntax.Check(address));

    [Fact]
    public void Addresses_longer_than_254_characters_or_with_a_local_part_over_64_are_refused()
    {
        var domain = string.Join('.', Enumerable.Repeat(new string('d', 60), 5)) + ".com";
        Assert.NotNull(EmailSyntax.Check($"ada@{domain}"));
        Assert.NotNull(EmailSyntax.Check($"{new string('a', 65)}@example.com"));
        Assert.Null(EmailSyntax.Check($"{new string('a', 64)}@example.com"));
    }
}
