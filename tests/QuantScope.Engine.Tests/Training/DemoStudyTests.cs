namespace QuantScope.Engine.Tests.Training;

/// <summary>The demo study's arms: what each one changes against the fixed recipe, and what the full study evaluates.</summary>
public sealed class DemoStudyTests
{
    [Fact]
    public void Arms_Full_FixedRecipeCalibratesInItsWarmupAndEachArmChangesOneThing()
    {
        var arms = DemoStudy.Arms().ToDictionary(a => a.Key, a => a.Config);
        var fix = arms[DemoStudy.Fixed];

        Assert.Equal([DemoStudy.Fixed, DemoStudy.MostRecent, DemoStudy.HighLr, DemoStudy.NoWarmup], DemoStudy.Arms().Select(a => a.Key));
        Assert.Equal((40, 1e-5, true, true), (fix.Bf16WarmupSteps, fix.LearningRate, fix.Quant!.CalibrateInWarmup, fix.Baseline));
        Assert.Equal((1000, 160, 160), (fix.Pretrain!.Steps, fix.Steps, fix.EvalEvery)); // evaluations at steps 0 and 160
        Assert.Equal(fix with { Name = "", Quant = fix.Quant with { Algorithm = AmaxAlgorithm.MostRecent, HistoryLength = 1 } }, arms[DemoStudy.MostRecent] with { Name = "" });
        Assert.Equal(fix with { Name = "", LearningRate = 1e-3 }, arms[DemoStudy.HighLr] with { Name = "" });
        Assert.Equal(fix with { Name = "", Bf16WarmupSteps = 0 }, arms[DemoStudy.NoWarmup] with { Name = "" }); // nothing to calibrate from
    }
}
