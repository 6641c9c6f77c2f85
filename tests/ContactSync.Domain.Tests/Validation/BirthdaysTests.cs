using ContactSync.Domain.Validation;

namespace ContactSync.Domain.Tests.Validation;

public sealed class BirthdaysTests
{
    [Theory]
    [InlineData(1815, 12, 10)]
    [InlineData(null, 12, 10)]
    [InlineData(2024, 2, 29)]
    [InlineData(2000, 2, 29)]
    [InlineData(null, 2, 29)]
    [InlineData(null, 1, 31)]
    public void Real_dates_with_or_without_a_year_are_accepted(int? year, int month, int day) => Assert.Null(Birthdays.Check(year, month, day));

    [Theory]
    [InlineData(2023, 2, 29)]
    [InlineData(1900, 2, 29)]
    [InlineData(null, 2, 30)]
    [InlineData(null, 4, 31)]
    [InlineData(2020, 13, 1)]
    [InlineData(2020, 0, 1)]
    [InlineData(2020, 1, 0)]
    [InlineData(0, 1, 1)]
    [InlineData(10000, 1, 1)]
    public void Dates_that_do_not_exist_are_refused(int? year, int month, int day) => Assert.NotNull(Birthdays.Check(year, month, day));
}
