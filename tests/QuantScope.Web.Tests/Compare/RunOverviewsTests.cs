using QuantScope.Web.Compare;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Tests.Compare;

public sealed class RunOverviewsTests
{
    private static RunEntity Run(string name, string kind = RunKinds.Engine, string config = "{}", string plan = "{}", string? summary = null, string tags = "[]") => new()
    {
        Id = Guid.NewGuid(), Name = name, Kind = kind, Status = RunStatus.Completed, ConfigJson = config, PlanJson = plan,
        SummaryJson = summary, TagsJson = tags, CreatedAt = DateTime.UtcNow, LastStep = 9,
    };

    [Fact]
    public void From_EngineRun_ModelRecipeApeWorstLayer()
    {
        var plan = JsonSerializer.Serialize(new EffectivePlanDto("fp8-delayed",
            [new("l0", "input", "e4m3", "delayed", null), new("l0", "grad", "e5m2", "delayed", null), new("l0", "weight", "e4m3", "delayed", null)], []), JsonDefaults.Options);
        var summary = JsonSerializer.Serialize(new RunSummary(Guid.Empty, RunStatus.Completed, 10, 2.0, null, new LossApeSummary(1.5, 2.5),
            new SaturationSummary(0.1, 0.02, 0.001, "model.layers.1.mlp.down_proj"), null, []), JsonDefaults.Options);
        var o = RunOverviews.From(Run("r", config: """{"steps":10,"model":{"layers":4,"dModel":128,"ffnDim":344}}""", plan: plan, summary: summary, tags: """["fp8"]"""));
        Assert.Equal("4L d128 ffn344", o.Model);
        Assert.Equal("fp8-delayed · input e4m3 · weight e4m3 · grad e5m2", o.Recipe);
        Assert.Equal((1.5, 2.5), (o.ApeMeanPct, o.ApeLastPct));
        Assert.Equal("model.layers.1.mlp.down_proj", o.WorstLayer);
        Assert.Equal("10 / 10", o.Progress);
        Assert.Equal(["fp8"], o.Tags);
    }

    [Fact]
    public void From_ImportedRunWithoutPlanOrSummary_Missing()
    {
        var o = RunOverviews.From(Run("imp", RunKinds.Imported));
        Assert.Equal((RunOverviews.Missing, RunOverviews.Missing), (o.Model, o.Recipe));
        Assert.Null(o.ApeMeanPct);
        Assert.Equal("10", o.Progress);
    }

    [Fact]
    public void Filter_SearchStatusKind_Combined()
    {
        var rows = new[] { Run("fp8 baseline", tags: """["paper"]"""), Run("w4a4", RunKinds.Imported), Run("other") }.Select(RunOverviews.From).ToList();
        Assert.Equal(["fp8 baseline"], RunOverviews.Filter(rows, "PAPER", null, null).Select(r => r.Name));
        Assert.Equal(["w4a4"], RunOverviews.Filter(rows, null, "", "imported").Select(r => r.Name));
        Assert.Empty(RunOverviews.Filter(rows, null, "Running", null));
        Assert.Equal(3, RunOverviews.Filter(rows, " ", null, null).Count);
    }
}
