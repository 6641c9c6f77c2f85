using ContactSync.Domain.Validation;

namespace ContactSync.Domain.Tests.Validation;

public sealed class PhoneNumbersTests
{
    [Theory]
    [InlineData("+49 30 1234567", "+49301234567")]
    [InlineData("+1 (555) 123-4567", "+15551234567")]
    [InlineData("+44 (0)20 7946 0958", "+442079460958")]
    [InlineData("0044 20 7946 0958", "+442079460958")]
    [InlineData("(030) 123 45 67", "0301234567")]
    [InlineData("030/1234567", "0301234567")]
    [InlineData("06.12.34.56.78", "0612345678")]
    [InlineData("555-1234 ext. 89", "5551234;ext=89")]
    [InlineData("+1 555 123 4567 x12", "+15551234567;ext=12")]
    [InlineData("1-800-FLOWERS", "18003569377")]
    [InlineData("١٢٣٤٥٦٧", "1234567")]
    [InlineData("＋８１ ３-１２３４-５６７８", "+81312345678")]
    [InlineData("112", "112")]
    public void The_normalised_form_keeps_digits_and_a_leading_plus(string typed, string normalized) =>
        Assert.Equal(normalized, PhoneNumbers.Normalize(typed));

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("call me")]
    [InlineData("<b>555</b>")]
    [InlineData("555+1234")]
    [InlineData("123456789012345678901")]
    [InlineData("555\u00001234")]
    public void Text_that_is_not_a_phone_number_is_refused(string typed)
    {
        Assert.NotNull(PhoneNumbers.Check(typed));
        Assert.Null(PhoneNumbers.Normalize(typed));
    }

    [Fact]
    public void A_huge_input_is_refused_quickly()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.NotNull(PhoneNumbers.Check(new string('5', 1_000_000) + " ext 1"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }
}
