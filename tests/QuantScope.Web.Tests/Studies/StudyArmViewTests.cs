using QuantScope.Web.Live;
using QuantScope.Web.Studies;

namespace QuantScope.Web.Tests.Studies;

public sealed class StudyArmViewTests
{
    private static readonly Guid Id = Guid.NewGuid();

    private static StudyRunDto Run(int steps = 10) =>
        new(Id, 0, "fixed", "label", "expect", "name", RunStatus.Running, null, -1, steps, null, null, null, null, null, null, null, null, null, []);

    private static ScalarPoint[] Step(int step, float loss, float twin) =>
        [new(step, MetricCatalog.Loss, loss), new(step, MetricCatalog.BaselineLoss, twin), new(step, MetricCatalog.LossApe, Math.Abs(loss - twin) / twin * 100)];

    [Fact]
    public void Apply_HistoryThenUpdate_KeepsApeMeanRecentAndProgress()
    {
        var view = new StudyArmView(Run(), RunStatus.Running, null, [.. Step(0, 2.02f, 2f), .. Step(1, 2f, 2f)]);
        Assert.Equal(1, view.LastStep);
        Assert.Equal(0.5, view.ApeMeanPct!.Value, 5); // (1 % + 0 %) / 2
        Assert.Equal([[(0, 2.02f), (1, 2f)], [(0, 2f), (1, 2f)]], view.LossInitial);
        Assert.Equal(20.0, view.ProgressPct);
        Assert.Equal("training step 2 / 10", view.Phase);

        var delta = view.Apply(new RunFeedUpdate(Step(2, 1.0f, 1.0f), [], new StatusEvent(Id, RunStatus.Completed, null, null)));
        Assert.Equal([(2, 1.0f)], delta.Loss[0]);
        Assert.Equal([(2, 0f)], delta.Ape);
        Assert.True(delta.Ended);
        Assert.Equal(1.0 / 3, view.ApeMeanPct!.Value, 5);
        Assert.Equal(("completed", 30.0), (view.Phase, view.ProgressPct));
    }

    [Fact]
    public void Apply_MoreThanRecentSteps_RecentAveragesTheLatestOnly()
    {
        var points = Enumerable.Range(0, StudyArmView.RecentSteps + 5)
            .Select(s => new ScalarPoint(s, MetricCatalog.LossApe, s < 5 ? 100f : 1f)).ToArray();
        var view = new StudyArmView(Run(100), RunStatus.Running, null, points);
        Assert.Equal(1.0, view.ApeRecentPct);
        Assert.Equal((5 * 100.0 + StudyArmView.RecentSteps) / (StudyArmView.RecentSteps + 5), view.ApeMeanPct!.Value, 9);
    }

    [Fact]
    public void Phase_BeforeTheMainPhase_SaysPretrainingOrWaiting()
    {
        Assert.Equal("starting: waiting for the shared pretraining, or loading it from the cache", new StudyArmView(Run(), RunStatus.Running, null, []).Phase);
        var pretraining = new StudyArmView(Run(), RunStatus.Running, null, [new ScalarPoint(24, MetricCatalog.PretrainLoss, 3f)]);
        Assert.Equal("pretraining step 25 (shared by the study's runs)", pretraining.Phase);
        Assert.Null(pretraining.ApeMeanPct);
        Assert.StartsWith("queued", new StudyArmView(Run(), RunStatus.Queued, null, []).Phase);
    }
}
