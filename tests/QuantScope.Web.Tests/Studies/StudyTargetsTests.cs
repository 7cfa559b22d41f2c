using QuantScope.Engine.Training;
using QuantScope.Web.Studies;

namespace QuantScope.Web.Tests.Studies;

public sealed class StudyTargetsTests
{
    private static StudyRunDto Run(string arm, RunStatus status = RunStatus.Completed, double? ape = null, double? saturation = null,
        double? heldOutStart = null, double? heldOutEnd = null, params double?[] drops) =>
        new(Guid.NewGuid(), 0, arm, arm, "", arm, status, null, 9, 10, ape, ape, saturation, null, null, heldOutStart, heldOutEnd,
            null, null, drops.Select((d, i) => new StudyTaskDto($"t{i}", 0.5, 0.5, d, null)).ToList());

    private static Dictionary<string, StudyTargetDto> Measure(params StudyRunDto[] runs) =>
        StudyTargets.Measure(runs).ToDictionary(t => t.Key);

    [Fact]
    public void Measure_GoodFixedRecipeAndWorseArms_AllMet()
    {
        var targets = Measure(
            Run(DemoStudy.Fixed, ape: 0.25, saturation: 0.01, heldOutStart: 2.0, heldOutEnd: 2.05, drops: [0.5, -1.0]),
            Run(DemoStudy.MostRecent, ape: 0.5, saturation: 0.2),
            Run(DemoStudy.HighLr, ape: 0.3, heldOutStart: 2.0, heldOutEnd: 2.75),
            Run(DemoStudy.NoWarmup, ape: 0.75));

        Assert.Equal(["fixed-ape", "fixed-task-drops", "most-recent-saturation", "high-lr-forgetting", "no-warmup-ape"], targets.Keys);
        Assert.All(targets.Values, t => Assert.Equal((true, "met"), (t.Met, t.Verdict)));
        Assert.Equal((0.25, "%"), (targets["fixed-ape"].Measured!.Value, targets["fixed-ape"].Unit));
        Assert.Equal(0.5, targets["fixed-task-drops"].Measured);
        Assert.Equal(20.0, targets["most-recent-saturation"].Measured);
        Assert.Equal("above the fixed recipe's (1 %)", targets["most-recent-saturation"].Goal);
        Assert.Equal(0.75, targets["high-lr-forgetting"].Measured);
    }

    [Fact]
    public void Measure_FixedRecipeOverTheLimits_NotMet()
    {
        var targets = Measure(Run(DemoStudy.Fixed, ape: 0.5, drops: [0.25, 1.0]), Run(DemoStudy.NoWarmup, ape: 0.5));
        Assert.Equal((false, "not met"), (targets["fixed-ape"].Met, targets["fixed-ape"].Verdict)); // 0.5 is not under 0.5
        Assert.False(targets["fixed-task-drops"].Met);
        Assert.False(targets["no-warmup-ape"].Met); // equal is not worse
        Assert.Equal((null, "pending"), (targets["high-lr-forgetting"].Met, targets["high-lr-forgetting"].Verdict)); // no high-LR run
    }

    [Fact]
    public void Measure_RunsNotCompleted_Pending()
    {
        var targets = Measure(Run(DemoStudy.Fixed, RunStatus.Running, ape: 0.1), Run(DemoStudy.MostRecent, RunStatus.Failed, saturation: 0.5));
        Assert.All(targets.Values, t => Assert.Null(t.Met));
        Assert.All(targets.Values, t => Assert.Null(t.Measured));
        Assert.All(targets.Values, t => Assert.Equal("pending", t.Verdict));
    }

    [Fact]
    public void Measure_CompletedWithoutTheFigure_NotMeasured()
    {
        // No quantized input: no saturation summary on either run.
        var targets = Measure(Run(DemoStudy.Fixed, ape: 0.1), Run(DemoStudy.MostRecent, ape: 0.2));
        Assert.Equal((null, "not measured"), (targets["most-recent-saturation"].Met, targets["most-recent-saturation"].Verdict));
    }
}
