using QuantScope.Engine.Training;
using QuantScope.Web.Studies;

namespace QuantScope.Web.Tests.Studies;

public sealed class StudyRunReaderTests
{
    private static RunEntity Run(string? summaryJson) => new()
    {
        Id = Guid.NewGuid(), Name = "study: fixed recipe", Status = RunStatus.Completed, LastStep = 23,
        ConfigJson = """{"steps":24}""", SummaryJson = summaryJson, CreatedAt = DateTime.UtcNow,
    };

    private const string Summary = """
        {"runId":"00000000-0000-0000-0000-000000000001","status":"completed","steps":24,"finalLoss":2.5,
         "baseline":{"finalLoss":2.49},"lossApe":{"meanPct":0.25,"lastPct":0.125},
         "saturation":{"stepRate":0.0625,"overflowFractionMax":0.001,"overflowFractionMean":0.0001,"worstLayer":"model.layers.0.mlp.down_proj"},
         "forgetting":{"heldOutLossStart":2.0,"heldOutLossEnd":2.5,"baselineHeldOutLossEnd":2.4,"probeAccuracyStart":0.75,"probeAccuracyEnd":0.5,"baselineProbeAccuracyEnd":0.625},
         "tasks":[{"name":"facts","acc":0.5,"accNorm":0.5,"baselineAcc":0.625,"relativeDropPct":20.0,"items":720,"dropPp":12.5,"dropStdErrPp":2.5,"relativeDropStdErrPct":4.0},
                  {"name":"reasoning","acc":0.75,"accNorm":0.75,"baselineAcc":0.75,"relativeDropPct":0.0}]}
        """;

    [Fact]
    public void Read_Summary_TakesEveryFigureAndTheArmsWords()
    {
        var run = StudyRunReader.Read(Run(Summary), new StudyMembership(Guid.NewGuid(), DemoStudy.Fixed, 0));
        var arm = DemoStudy.Arms(quick: true)[0];
        Assert.Equal((arm.Label, arm.Expect, 24, 23), (run.Label, run.Expect, run.Steps, run.LastStep));
        Assert.Equal((0.25, 0.125, 0.0625, 0.001), (run.ApeMeanPct!.Value, run.ApeLastPct!.Value, run.SaturationRate!.Value, run.OverflowMax!.Value));
        Assert.Equal("model.layers.0.mlp.down_proj", run.WorstLayer);
        Assert.Equal(0.5, run.HeldOutLossRise);
        Assert.Equal((2.4, 0.625), (run.BaselineHeldOutLossEnd!.Value, run.BaselineProbeAccuracyEnd!.Value)); // forgetting is judged against the twin
        Assert.Equal(
            [new StudyTaskDto("facts", 0.5, 0.625, 20.0, 4.0, 720), new StudyTaskDto("reasoning", 0.75, 0.75, 0.0, null, null)],
            run.Tasks);
        Assert.Equal(20.0, run.WorstTaskDropPct);
    }

    [Fact]
    public void Read_NoSummaryYet_FiguresAreNull()
    {
        var run = StudyRunReader.Read(Run(null), new StudyMembership(Guid.NewGuid(), "an-arm-of-another-day", 3));
        Assert.Equal(("study: fixed recipe", "", 3), (run.Label, run.Expect, run.Index)); // unknown arm: the run's name
        Assert.Null(run.ApeMeanPct);
        Assert.Empty(run.Tasks);
        Assert.Null(run.WorstTaskDropPct);
    }
}
