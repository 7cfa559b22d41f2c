namespace QuantScope.Engine.Tests.Training;

public class LrScheduleTests
{
    [Theory]
    [InlineData(0, 0.5)]    // warmup 2 steps (10 % of 23): step 0 -> 1/2 peak
    [InlineData(1, 1.0)]
    [InlineData(2, 1.0)]    // decay starts at the peak
    [InlineData(12, 0.55)]  // halfway through 20 decay steps: 0.1 + 0.9 · 0.5
    [InlineData(22, 0.1)]   // last step: the floor
    public void At_23Steps_FollowsWarmupThenCosineToFloor(int step, double fractionOfPeak) =>
        Assert.Equal(fractionOfPeak * 2e-3, LrSchedule.At(step, 23, 2e-3), 12);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(50, 5)]
    [InlineData(5000, 100)]
    public void WarmupSteps_RunLength_TenPercentClampedTo1And100(int total, int expected) =>
        Assert.Equal(expected, LrSchedule.WarmupSteps(total));
}
