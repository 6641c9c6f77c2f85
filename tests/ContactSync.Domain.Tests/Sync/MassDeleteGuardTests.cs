using ContactSync.Domain.Sync;

namespace ContactSync.Domain.Tests.Sync;

public sealed class MassDeleteGuardTests
{
    [Theory]
    [InlineData(11, 50, true)]      // 22% and more than 10
    [InlineData(11, 55, false)]     // exactly 20% is not more than 20%
    [InlineData(10, 20, false)]     // half, but not more than 10
    [InlineData(300, 1000, true)]
    [InlineData(200, 1000, false)]
    [InlineData(0, 0, false)]
    public void A_pull_pauses_only_past_both_bounds(int deletes, int linked, bool trips) =>
        Assert.Equal(trips, MassDeleteGuard.Trips(deletes, linked));
}
