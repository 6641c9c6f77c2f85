namespace ContactSync.Domain.Validation;

public static class Birthdays
{
    /// <summary>
    /// Null when the date exists: with a year, a real calendar date (29 February only in leap years); without a
    /// year, any day that exists in some year, so 29 February is fine.
    /// </summary>
    public static string? Check(int? year, int month, int day)
    {
        if (year is < 1 or > 9999)
        {
            return "The year must be between 1 and 9999.";
        }
        if (month is < 1 or > 12)
        {
            return "The month must be between 1 and 12.";
        }
        var daysInMonth = DateTime.DaysInMonth(year ?? 2000, month);
        return day < 1 || day > daysInMonth ? $"The day must be between 1 and {daysInMonth} for this month." : null;
    }
}
