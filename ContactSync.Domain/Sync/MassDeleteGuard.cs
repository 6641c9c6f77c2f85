namespace ContactSync.Domain.Sync;

/// <summary>
/// Rule 7: a pull that would delete more than 20% of a connection's linked contacts, and more than 10, pauses the
/// connection until a user confirms. Both bounds must be passed: ten deletes out of twenty is a normal day's
/// clean-up; three hundred out of a thousand is a wiped address book.
/// </summary>
public static class MassDeleteGuard
{
    public const int MinDeletes = 10;
    public const double MaxShare = 0.20;

    public static bool Trips(int deletes, int linked) => deletes > MinDeletes && deletes > linked * MaxShare;
}
