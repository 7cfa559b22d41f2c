using QuantScope.Engine.Training;
using QuantScope.Bench.Experiment;

namespace QuantScope.Bench.Tests.Experiment;

/// <summary>The pure math of the experiment throughput bench: no trainer runs, no wall time asserted.</summary>
public sealed class ExperimentBenchTests
{
    [Fact]
    public void TokensPerSecond_FromStepMillis()
    {
        Assert.Equal(1024.0 * 1000 / 250, ExperimentBench.TokensPerSecond(1024, 250));
        Assert.Equal(2048, ExperimentBench.TokensPerSecond(1024, 500));
    }

    [Fact]
    public void Rows_RatiosToBf16AndTwinCostFromMedians()
    {
        // Variants: bf16, fp32, fp8, hif8, w4a4, fp8 + twin. Outliers must not move the medians.
        IReadOnlyList<IReadOnlyList<double>> samples =
        [
            [100, 100, 900], [200, 200, 200], [125, 125, 1], [250, 250, 250], [400, 400, 400], [225, 225, 5000],
        ];
        var rows = ExperimentBench.Rows("demo", 1000, samples, [null, null, null, null, "6/42 per-ch.", null]);

        Assert.Equal(ExperimentBench.Variants.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal("demo", r.Model));
        Assert.All(rows, r => Assert.Equal(3, r.Steps));
        Assert.Equal([100, 200, 125, 250, 400, 225], rows.Select(r => r.MedianMillis));
        Assert.Equal(10_000, rows[0].TokensPerSecond);
        Assert.Equal([1.0, 0.5, 0.8, 0.4, 0.25, 100.0 / 225], rows.Select(r => r.VsBf16));
        Assert.Equal("w4a4 (6/42 per-ch.)", rows[4].Variant);

        Assert.All(rows.Take(5), r => Assert.Null(r.TwinCost));
        Assert.Equal(225.0 / 125, rows[5].TwinCost); // measured against fp8 without the twin
        Assert.Equal(1 + 100.0 / 125, rows[5].ExpectedTwinCost); // one extra bf16 step
    }

    [Fact]
    public void FallbackNote_CountsLayersOncePerRoleAndIgnoresOtherWarnings()
    {
        string[] warnings =
        [
            "rule 2 (lm_head, input) matched no layer",
            "model.layers.0.mlp.down_proj input: group size 128 does not divide in-features 344: fell back to int4 per channel",
            "model.layers.0.mlp.down_proj weight: group size 128 does not divide in-features 344: fell back to int4 per channel",
            "model.layers.1.mlp.down_proj input: group size 128 does not divide in-features 344: fell back to int4 per channel",
        ];
        Assert.Equal("2/42 per-ch.", ExperimentBench.FallbackNote(warnings, 42));
        Assert.Null(ExperimentBench.FallbackNote(warnings[..1], 42));
    }

    [Fact]
    public void Config_MapsVariantsAndAddsOneWarmupStep()
    {
        var twin = ExperimentBench.Config("small", 5, 3);
        Assert.Equal(Engine.Model.ModelConfig.Small, twin.Model);
        Assert.True(twin.Baseline);
        Assert.Equal(4, twin.Steps);
        Assert.Equal(4, twin.LogEvery);
        Assert.Equal("hif8", ExperimentBench.Config("demo", 3, 1).Quant?.Format?.Name);
        Assert.Null(ExperimentBench.Config("demo", 1, 1).Quant);
        Assert.Equal(Precision.Fp32, ExperimentBench.Config("demo", 1, 1).Precision);
        Assert.Throws<ArgumentException>(() => ExperimentBench.Config("huge", 0, 1));
    }
}
