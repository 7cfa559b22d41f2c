using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Engine.Tests.Training;

/// <summary>
/// <see cref="DemoStudyTargets.Evaluate"/> on hand-made arm results (no training): which targets it gives for the arms
/// present, and its mark for a figure the runs do not have, which the study page reads as "not measured".
/// </summary>
public sealed class DemoStudyTargetsEvaluateTests
{
    private static StudyArmResult Arm(string key, double? ape, int tasks = 2) => new(key,
        new RunSummary(Guid.NewGuid(), RunStatus.Completed, 10, 2.5, null, ape is { } a ? new LossApeSummary(a, a) : null,
            new SaturationSummary(0.01, 0.001, 0.0001, null), null,
            [.. Enumerable.Range(0, tasks).Select(i => new TaskSummary($"t{i}", 0.5, 0.5, 0.5, 0.0) { Items = 720, RelativeDropStdErrPct = 5.2 })]),
        [], 60, new DiagnosisInput(), null);

    [Fact]
    public void Evaluate_NoFixedRecipe_OnlyTheWallTime()
    {
        var targets = DemoStudyTargets.Evaluate([Arm(DemoStudy.MostRecent, 0.1)], 90);

        var wall = Assert.Single(targets);
        Assert.Equal(("study", "90", true), (wall.Arm, wall.Measured, wall.Met));
    }

    [Fact]
    public void Evaluate_FixedAndMostRecent_ThreePlusOnePerTaskThenTwo()
    {
        var targets = DemoStudyTargets.Evaluate([Arm(DemoStudy.Fixed, 0.25, tasks: 3), Arm(DemoStudy.MostRecent, 0.5)], 90);

        Assert.Equal(["study", .. Enumerable.Repeat(DemoStudy.Fixed, 1 + 3 + 1), DemoStudy.MostRecent, DemoStudy.MostRecent], targets.Select(t => t.Arm));
        Assert.Equal("0.00 ± 5.20", targets.First(t => t.Name.StartsWith("task drop t0", StringComparison.Ordinal)).Measured);
    }

    [Fact]
    public void Evaluate_NoTwin_ApeIsTheNotMeasuredMarkAndNotMet()
    {
        var ape = DemoStudyTargets.Evaluate([Arm(DemoStudy.Fixed, ape: null)], 90).Single(t => t.Name == "loss APE vs twin, %");

        Assert.Equal((DemoStudyTargets.NotMeasured, false), (ape.Measured, ape.Met));
    }
}
