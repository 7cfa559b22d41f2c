namespace QuantScope.Engine.Tests.Training;

public class LossApeTests
{
    [Fact]
    public void Summarise_HandComputedPair()
    {
        // Per step: |2-2|/2 = 0 %, |1.1-1|/1 = 10 %, |0.9-1|/1 = 10 %, |3-2.5|/2.5 = 20 %.
        var (mean, last) = LossApe.Summarise([2.0, 1.1, 0.9, 3.0], [2.0, 1.0, 1.0, 2.5], lastSteps: 2);
        Assert.Equal(10.0, mean, 12);
        Assert.Equal(15.0, last, 12);
    }

    [Fact]
    public void Summarise_RunAgainstItself_IsZero_AndLastKLongerThanRunMeansAll()
    {
        double[] loss = [5.5, 4.25, 3.125];
        Assert.Equal((0.0, 0.0), LossApe.Summarise(loss, loss, lastSteps: 1000));
        var (mean, last) = LossApe.Summarise([1.5, 1.0], [1.0, 1.0], lastSteps: 1000);
        Assert.Equal(25.0, mean, 12);
        Assert.Equal(mean, last);
    }

    [Fact]
    public void Summarise_MismatchedOrEmpty_Throws()
    {
        Assert.Throws<ArgumentException>(() => LossApe.Summarise([1.0], [1.0, 2.0], 5));
        Assert.Throws<ArgumentException>(() => LossApe.Summarise([], [], 5));
    }
}
