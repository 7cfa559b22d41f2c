namespace QuantScope.Engine.Tests.Training;

public class SummaryBuilderTests
{
    private static readonly string[] Layers = ["a", "b", "c"];

    private static MetricBatch Step(int step, float loss, float baseline, float[] amax, float[] pred, float[] saturation) => new(Guid.Empty,
        [new ScalarPoint(step, MetricCatalog.Loss, loss), new ScalarPoint(step, MetricCatalog.BaselineLoss, baseline)],
        [
            new LayerPoint(step, MetricCatalog.Amax, TensorRoles.Input, amax),
            new LayerPoint(step, MetricCatalog.AmaxPred, TensorRoles.Input, pred),
            new LayerPoint(step, MetricCatalog.OverflowFraction, TensorRoles.Input, saturation),
            new LayerPoint(step, MetricCatalog.OverflowFraction, TensorRoles.Weight, [1f, 1f, 1f]), // weights never count
        ]);

    [Fact]
    public void Saturation_CountsOnlyDelayedInputsInQatSteps()
    {
        // Layer c is not delayed-scaled; step 0 is the BF16 warmup and is ignored.
        var b = new SummaryBuilder(Layers, [true, true, false], qatStart: 1, apeLastSteps: 1000);
        b.Add(Step(0, 4f, 4f, [9f, 9f, 9f], [1f, 1f, 1f], [0.5f, 0.5f, 0.5f]));
        b.Add(Step(1, 3f, 2f, [2f, 1f, 9f], [1f, 1f, 1f], [0.25f, 0f, 0.9f]));
        b.Add(Step(2, 2f, 2f, [1f, 3f, 9f], [2f, 2f, 1f], [0f, 0.125f, 0.9f]));
        var s = b.Build(Guid.Empty, RunStatus.Completed);

        // Pairs (a,1) (b,1) (a,2) (b,2): exceeded at (a,1) and (b,2) -> 2/4; fractions 0.25, 0, 0, 0.125.
        Assert.Equal(new SaturationSummary(0.5, 0.25, 0.09375, "a"), s.Saturation);
        Assert.Equal(3, s.Steps);
        Assert.Equal(2.0, s.FinalLoss);
        Assert.Equal(new BaselineSummary(2.0), s.Baseline);
        // APE per step: 0, 50, 0 -> mean 16.67 %.
        Assert.Equal(50.0 / 3, s.LossApe!.MeanPct, 12);
    }

    [Fact]
    public void ForgettingAndTasks_FromFirstAndLastEvaluation()
    {
        var b = new SummaryBuilder(Layers, [false, false, false], 0, 1000);
        b.Add(new MetricBatch(Guid.Empty,
        [
            new ScalarPoint(0, MetricCatalog.HeldOutLoss, 1.5f), new ScalarPoint(0, MetricCatalog.ProbeAccuracy, 0.75f),
            new ScalarPoint(0, MetricCatalog.TaskAccuracy("facts"), 0.25f),
        ], []));
        b.Add(new MetricBatch(Guid.Empty,
        [
            new ScalarPoint(10, MetricCatalog.HeldOutLoss, 2.5f), new ScalarPoint(10, MetricCatalog.BaselineHeldOutLoss, 2f),
            new ScalarPoint(10, MetricCatalog.ProbeAccuracy, 0.5f), new ScalarPoint(10, MetricCatalog.BaselineProbeAccuracy, 0.625f),
            new ScalarPoint(10, MetricCatalog.TaskAccuracy("facts"), 0.375f), new ScalarPoint(10, MetricCatalog.TaskAccuracy("facts", normalised: true), 0.5f),
            new ScalarPoint(10, MetricCatalog.TaskAccuracy("facts", baseline: true), 0.5f),
        ], []));
        var s = b.Build(Guid.Empty, RunStatus.Completed);

        Assert.Equal(new ForgettingSummary(1.5, 2.5, 2.0, 0.75, 0.5, 0.625), s.Forgetting);
        Assert.Equal(new TaskSummary("facts", 0.375, 0.5, 0.5, 25.0) { DropPp = 12.5 }, Assert.Single(s.Tasks)); // no item count: no SE
        Assert.Null(s.Saturation);
        Assert.Null(s.LossApe);
        Assert.Null(s.FinalLoss);
    }

    [Fact]
    public void Tasks_WithItemCount_DropCarriesItsBinomialStandardError()
    {
        // 31 items: sqrt(0.375 * 0.625 / 31 + 0.5 * 0.5 / 31) = sqrt(0.484375 / 31) = sqrt(0.015625) = 0.125 -> 12.5 pp;
        // relative to the twin's 0.5: 25 %.
        var b = new SummaryBuilder(Layers, [false, false, false], 0, 1000, new Dictionary<string, int> { ["facts"] = 31 });
        b.Add(new MetricBatch(Guid.Empty,
        [
            new ScalarPoint(10, MetricCatalog.TaskAccuracy("facts"), 0.375f), new ScalarPoint(10, MetricCatalog.TaskAccuracy("facts", baseline: true), 0.5f),
            new ScalarPoint(10, MetricCatalog.TaskAccuracy("reasoning"), 0.5f),
        ], []));
        var tasks = b.Build(Guid.Empty, RunStatus.Completed).Tasks;

        var facts = tasks.Single(t => t.Name == "facts");
        Assert.Equal((31, 12.5, 25.0), (facts.Items, facts.DropPp, facts.RelativeDropPct));
        Assert.Equal(12.5, facts.DropStdErrPp!.Value, 12);
        Assert.Equal(25.0, facts.RelativeDropStdErrPct!.Value, 12);
        var reasoning = tasks.Single(t => t.Name == "reasoning"); // no twin, no count: nothing to compare
        Assert.Equal((null, null, null), (reasoning.Items, reasoning.DropPp, reasoning.DropStdErrPp));
    }

    [Fact]
    public void Tasks_WithDiscordantItems_DropCarriesThePairedStandardError()
    {
        // 64 items, the twin right on 32, the run on 24: 9 right for the twin only, 1 for the run only (net 8 = 12.5 pp).
        // Paired: sqrt(9 + 1 - 8² / 64) / 64 = 3 / 64 -> 4.6875 pp (the unpaired formula would give 8.6 pp); 9.375 % of 0.5.
        var b = new SummaryBuilder(Layers, [false, false, false], 0, 1000, new Dictionary<string, int> { ["facts"] = 64 });
        b.Add(new MetricBatch(Guid.Empty,
        [
            new ScalarPoint(10, MetricCatalog.TaskAccuracy("facts"), 0.375f), new ScalarPoint(10, MetricCatalog.TaskAccuracy("facts", baseline: true), 0.5f),
            new ScalarPoint(10, MetricCatalog.TaskDiscordant("facts", twinOnly: true), 9), new ScalarPoint(10, MetricCatalog.TaskDiscordant("facts", twinOnly: false), 1),
        ], []));
        var facts = Assert.Single(b.Build(Guid.Empty, RunStatus.Completed).Tasks);

        Assert.Equal((64, 12.5, 25.0, 9, 1), (facts.Items, facts.DropPp, facts.RelativeDropPct, facts.TwinOnly, facts.RunOnly));
        Assert.Equal(4.6875, facts.DropStdErrPp!.Value, 12);
        Assert.Equal(9.375, facts.RelativeDropStdErrPct!.Value, 12);
    }

    [Theory]
    [InlineData(9, 1, 64, 4.6875)]              // sqrt(10 - 64 / 64) / 64 = 3 / 64
    [InlineData(0, 0, 100, 0.0)]                // no item changed: no noise in the difference
    [InlineData(2, 0, 4, 25.0)]                 // sqrt(2 - 4 / 4) / 4
    [InlineData(3, 3, 10, 24.494897427831781)]  // sqrt(6) / 10
    public void PairedStdErrPp_DiscordantItems_IsTheMcNemarFormulaInPoints(int twinOnly, int runOnly, int n, double expected) =>
        Assert.Equal(expected, TaskSummary.PairedStdErrPp(twinOnly, runOnly, n), 12);

    [Theory]
    [InlineData(0.5, 0.5, 50, 10.0)]  // sqrt(0.25 / 50 * 2) = 0.1
    [InlineData(1.0, 0.0, 240, 0.0)]  // certain outcomes have no sampling error
    [InlineData(0.9, 0.9, 100, 4.242640687119285)] // sqrt(2 * 0.09 / 100)
    public void StdErrPp_TwoAccuracies_IsTheBinomialFormulaInPoints(double p1, double p2, int n, double expected) =>
        Assert.Equal(expected, TaskSummary.StdErrPp(p1, p2, n), 12);
}
