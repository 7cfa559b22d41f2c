using QuantScope.Engine.Analysis.Diagnosis;
using QuantScope.Engine.Training;
using QuantScope.Web.Studies;

namespace QuantScope.Web.Tests.Studies;

/// <summary>The study page's targets are the engine's (<see cref="DemoStudyTargets"/>), with pending rows for what cannot be judged yet.</summary>
public sealed class StudyTargetsTests
{
    private static readonly DiagnosisThresholds Thresholds = DiagnosisThresholds.Default;

    private static StudyRunDto Run(string arm, RunStatus status) =>
        new(Guid.NewGuid(), 0, arm, arm, $"what {arm} shows", arm, status, null, 9, 10, null, null, null, null, null, null, null, null, null, []);

    private static StudyArmResult Result(string arm, double? ape, double? saturationRate = null, params Finding[] findings)
    {
        var summary = new RunSummary(Guid.NewGuid(), RunStatus.Completed, 10, 2.5, null, ape is { } a ? new LossApeSummary(a, a) : null,
            saturationRate is { } r ? new SaturationSummary(r, 0.001, 0.0001, "model.layers.0.mlp.down_proj") : null, null,
            [new TaskSummary("facts", 0.5, 0.5, 0.5, 0.0) { Items = 720, RelativeDropStdErrPct = 5.2 }]);
        return new StudyArmResult(arm, summary, findings, 60, new DiagnosisInput(), null);
    }

    private static Finding Named(string detector, FindingSeverity severity) =>
        new(detector, severity, $"{detector} fired", "measured", [], [], new ChartHint(MetricCatalog.Amax, TensorRoles.Input, null), "a fix");

    [Fact]
    public void Judge_NothingEnded_EveryRowPending()
    {
        var runs = new[] { Run(DemoStudy.Fixed, RunStatus.Running), Run(DemoStudy.MostRecent, RunStatus.Queued) };

        var targets = StudyTargets.Judge(runs, [], null, Thresholds);

        Assert.Equal([StudyTargets.Study, DemoStudy.Fixed, DemoStudy.MostRecent], targets.Select(t => t.Arm));
        Assert.All(targets, t => Assert.Equal((null, StudyTargetDto.PendingVerdict, DemoStudyTargets.NotMeasured), (t.Met, t.Verdict, t.Measured)));
        Assert.Equal(("what fixed shows", StudyTargets.ArmRowName), (targets[1].Goal, targets[1].Name));
    }

    [Fact]
    public void Judge_FixedRecipeDone_ItsRowsAreTheEnginesAndTheOthersWait()
    {
        var runs = new[] { Run(DemoStudy.Fixed, RunStatus.Completed), Run(DemoStudy.MostRecent, RunStatus.Running) };
        var fixedResult = Result(DemoStudy.Fixed, ape: 0.25, saturationRate: 0.01);

        var targets = StudyTargets.Judge(runs, [fixedResult], null, Thresholds);

        var engine = DemoStudyTargets.Evaluate([fixedResult], double.NaN, Thresholds).Where(t => t.Arm == DemoStudy.Fixed).ToList();
        Assert.Equal(engine.Select(t => (t.Arm, t.Name, t.Goal, t.Measured, (bool?)t.Met)),
            targets.Where(t => t.Arm == DemoStudy.Fixed).Select(t => (t.Arm, t.Name, t.Goal, t.Measured, t.Met)));
        Assert.Equal(3, engine.Count); // loss APE, one task drop, findings above Info
        Assert.All(targets.Where(t => t.Arm == DemoStudy.Fixed), t => Assert.Equal(StudyTargetDto.MetVerdict, t.Verdict));
        Assert.Contains("± 5.20", targets.Single(t => t.Name.StartsWith("task drop", StringComparison.Ordinal)).Measured);
        Assert.Equal(StudyTargetDto.PendingVerdict, targets[0].Verdict); // the wall time waits for every run
        Assert.Equal((StudyTargets.ArmRowName, StudyTargetDto.PendingVerdict), (targets[^1].Name, targets[^1].Verdict));
    }

    [Fact]
    public void Judge_AllEnded_JudgedByTheEngineAndACancelledArmNotMeasured()
    {
        var runs = new[]
        {
            Run(DemoStudy.Fixed, RunStatus.Completed), Run(DemoStudy.MostRecent, RunStatus.Completed), Run(DemoStudy.HighLr, RunStatus.Cancelled),
        };
        var results = new[]
        {
            Result(DemoStudy.Fixed, ape: 0.75, saturationRate: 0.01, Named(DetectorIds.Saturation, FindingSeverity.Warning)),
            Result(DemoStudy.MostRecent, ape: 0.5, saturationRate: 0.25, Named(DetectorIds.Saturation, FindingSeverity.Warning)),
        };

        var targets = StudyTargets.Judge(runs, results, 120, Thresholds);

        Assert.Equal((StudyTargets.Study, "120", true, StudyTargetDto.MetVerdict), (targets[0].Arm, targets[0].Measured, targets[0].Met, targets[0].Verdict));
        var fixedRows = targets.Where(t => t.Arm == DemoStudy.Fixed).ToDictionary(t => t.Name);
        Assert.Equal((false, StudyTargetDto.NotMetVerdict), (fixedRows["loss APE vs twin, %"].Met, fixedRows["loss APE vs twin, %"].Verdict)); // 0.75 is not under 0.5
        Assert.False(fixedRows["findings above Info"].Met); // a Warning on the fixed recipe
        Assert.All(targets.Where(t => t.Arm == DemoStudy.MostRecent), t => Assert.Equal(StudyTargetDto.MetVerdict, t.Verdict));
        Assert.Equal(2, targets.Count(t => t.Arm == DemoStudy.MostRecent));
        var highLr = Assert.Single(targets, t => t.Arm == DemoStudy.HighLr);
        Assert.Equal((null, StudyTargetDto.NotMeasuredVerdict), (highLr.Met, highLr.Verdict));
    }

    [Fact]
    public void ToDto_FigureMissing_NotMeasured()
    {
        // No twin: no loss APE, which the engine prints as its not-measured mark.
        var ape = DemoStudyTargets.Evaluate([Result(DemoStudy.Fixed, ape: null)], 60, Thresholds).Single(t => t.Name == "loss APE vs twin, %");

        var dto = StudyTargets.ToDto(ape);

        Assert.Equal((DemoStudyTargets.NotMeasured, null, StudyTargetDto.NotMeasuredVerdict), (dto.Measured, dto.Met, dto.Verdict));
    }

    [Fact]
    public void WallSeconds_FirstStartToLastEnd_NullWhileARunIsOpen()
    {
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        RunEntity Stored(RunStatus status, int start, int? end) => new()
        {
            Id = Guid.NewGuid(), Status = status, StartedAt = t0.AddSeconds(start), EndedAt = end is { } e ? t0.AddSeconds(e) : null,
        };

        Assert.Equal(300, StudyJudge.WallSeconds([Stored(RunStatus.Completed, 0, 200), Stored(RunStatus.Failed, 100, 300)]));
        Assert.Null(StudyJudge.WallSeconds([Stored(RunStatus.Completed, 0, 200), Stored(RunStatus.Running, 100, null)]));
    }
}
