using QuantScope.Bench.Quantize;
using QuantScope.Bench.Shared;
using QuantScope.Bench.TrainStep;

namespace QuantScope.Bench.Tests.Shared;

/// <summary>The issue-25 targets printed beside the bench's figures: bounds, verdicts and which rows carry one.</summary>
public sealed class BenchTargetsTests
{
    [Fact]
    public void Describe_AtMostTarget_MetAtTheBoundAndNotAboveOrNaN()
    {
        var target = new BenchTargets.Target(4);
        Assert.Equal("≤ 4x met", target.Describe(3.2));
        Assert.Equal("≤ 4x met", target.Describe(4.0));
        Assert.Equal("≤ 4x not met", target.Describe(4.01));
        Assert.Equal("≤ 4x not met", target.Describe(double.NaN));
    }

    [Fact]
    public void Describe_AtLeastTarget_MetAtOrAbove()
    {
        var target = new BenchTargets.Target(0.77, AtLeast: true);
        Assert.Equal("≥ 0.77x met", target.Describe(0.8));
        Assert.Equal("≥ 0.77x not met", target.Describe(0.39));
        Assert.Equal("–", BenchTargets.Describe(null, 1.0));
    }

    [Fact]
    public void Targets_NameRowsTheBenchesPrint()
    {
        var quantizeNames = QuantizeBench.Variants.Select(v => v.Name).ToHashSet();
        Assert.All(BenchTargets.Quantize.Keys, name => Assert.Contains(name, quantizeNames));
        Assert.Equal(8, BenchTargets.Quantize.Count);
        var stepNames = TrainStepBench.Variants.Select(v => v.Name).ToHashSet();
        Assert.All(BenchTargets.TrainStep.Keys, name => Assert.Contains(name, stepNames));
        Assert.Equal(1.20, BenchTargets.TrainStep["fake quant (fp8-delayed)"].Limit);
        Assert.Equal(new BenchTargets.Target(0.77, AtLeast: true), BenchTargets.Experiment("small", "hif8"));
        Assert.Null(BenchTargets.Experiment("demo", "hif8"));
        Assert.Equal(new BenchTargets.Target(1.05), BenchTargets.Diagnostics("small", "stats every step"));
        Assert.Null(BenchTargets.Diagnostics("small", "stats every 10"));
    }
}
