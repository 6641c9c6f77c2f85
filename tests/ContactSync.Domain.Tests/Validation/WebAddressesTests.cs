using ContactSync.Domain.Validation;

namespace ContactSync.Domain.Tests.Validation;

public sealed class WebAddressesTests
{
    [Theory]
    [InlineData("https://example.com/about?x=1")]
    [InlineData("http://例子.中国/")]
    [InlineData("example.com/about")]
    [InlineData("example.com:8080/path")]
    [InlineData("www.example.org")]
    public void Http_addresses_with_or_without_a_scheme_are_accepted_as_websites(string url) => Assert.Null(WebAddresses.CheckWebsite(url));

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("JavaScript:alert(1)")]
    [InlineData("data:text/html;base64,PHNjcmlwdD4=")]
    [InlineData("vbscript:msgbox")]
    [InlineData("file:///etc/passwd")]
    [InlineData("https://exa mple.com")]
    public void Scripts_other_schemes_and_spaces_are_refused_as_websites(string url) => Assert.NotNull(WebAddresses.CheckWebsite(url));

    [Theory]
    [InlineData("https://cdn.example.com/p/1.jpg", true)]
    [InlineData("http://example.com/a.png", true)]
    [InlineData("example.com/a.png", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("ftp://example.com/a.png", false)]
    public void A_photo_must_be_an_absolute_http_url(string url, bool accepted) => Assert.Equal(accepted, WebAddresses.CheckPhotoUrl(url) is null);
}
