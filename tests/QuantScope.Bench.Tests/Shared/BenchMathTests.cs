using QuantScope.Bench.Shared;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Bench.Tests.Shared;

/// <summary>The benches' pure statistics: no trainer runs, no wall time asserted.</summary>
public sealed class BenchMathTests
{
    [Fact]
    public void MedianAndRatio_OddEvenAndOutliers_MiddleValues()
    {
        Assert.Equal(3, BenchMath.Median([5, 1, 3]));
        Assert.Equal(2.5, BenchMath.Median([4, 1, 2, 3]));
        Assert.Equal(2.0, BenchMath.Ratio([4, 40, 4, 3, 5], [2, 2, 1, 100, 3])); // medians 4 and 2: outliers ignored
        Assert.Throws<ArgumentException>(() => BenchMath.Median([]));
    }

    [Fact]
    public void StepMillis_MixedBatch_TakesStepMsFromStep1InOrder()
    {
        var batch = new MetricBatch(Guid.NewGuid(),
            [
                new ScalarPoint(2, MetricCatalog.StepMillis, 30),
                new ScalarPoint(0, MetricCatalog.StepMillis, 900),
                new ScalarPoint(1, MetricCatalog.StepMillis, 10),
                new ScalarPoint(1, "loss", 5),
            ],
            []);
        Assert.Equal([10.0, 30.0], BenchMath.StepMillis([batch]));
    }
}
