using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Engine.Tests.Analysis.Diagnosis;

public class OutlierGrowthDetectorTests
{
    private const int Fc2 = 2; // HealthyRun's model.layers.0.mlp.down_proj

    [Fact]
    public void Detect_HealthyRun_Nothing() => Assert.Empty(OutlierGrowthDetector.Detect(HealthyRun.Input(), DiagnosisThresholds.Default));

    [Fact]
    public void Detect_Fc2KurtosisRisingLinearly_WarnsWithTheLineAndTheKeepRule()
    {
        // Last 20 steps (40..59): kurtosis 4 + 0.2·(s - 40) → the line starts at 4 and ends at 7.8 (+95 %), Z = (190 - 1) / √950.
        var input = HealthyRun.Input().With(MetricCatalog.Kurtosis, TensorRoles.Input,
            HealthyRun.PerLayer((s, l) => l == Fc2 ? 4 + 0.2f * Math.Max(0, s - 40) : 4f));
        var finding = Assert.Single(OutlierGrowthDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(DetectorIds.OutlierGrowth, finding.Detector);
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal(["model.layers.0.mlp.down_proj"], finding.Layers);
        Assert.Equal([40, 59], finding.Steps);
        Assert.Equal(new ChartHint(MetricCatalog.Kurtosis, TensorRoles.Input, "model.layers.0.mlp.down_proj"), finding.Chart);
        Assert.Contains("kurtosis (3 = normal) rose from 4 to 7.8 (Theil-Sen line, +95 %) over steps 40–59 (20 logged values, Mann-Kendall Z 6.13)", finding.Evidence);
        Assert.Contains("It has not overflowed yet", finding.Evidence);
        Assert.Contains("{\"layer\": \"model.layers.0.mlp.down_proj\", \"role\": \"input\", \"recipe\": \"keep\"}", finding.Fix);
        Assert.Contains("\"format\": \"mxfp8-e4m3\", \"recipe\": \"block\"", finding.Fix);
    }

    [Fact]
    public void Detect_ChannelRatioRisingAfterAnOverflow_SaysWhenItOverflowed()
    {
        var input = HealthyRun.Input()
            .With(MetricCatalog.ChannelRatio, TensorRoles.Input, HealthyRun.PerLayer((s, l) => l == 3 ? 2 * MathF.Pow(1.05f, s) : 2f))
            .With(MetricCatalog.OverflowFraction, TensorRoles.Input, HealthyRun.PerLayer((s, l) => l == 3 && s >= 57 ? 0.01f : 0f));
        var finding = Assert.Single(OutlierGrowthDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(["model.layers.1.mlp.down_proj"], finding.Layers);
        Assert.Equal(MetricCatalog.ChannelRatio, finding.Chart.Metric);
        Assert.Contains("It first overflowed at step 57", finding.Evidence);
    }

    [Fact]
    public void Detect_RisingButSlow_Nothing()
    {
        // +0.5 % of the first value per step: a clear Mann-Kendall trend, but the line grows 7.9 % over steps 40–59 (< 50 %).
        var input = HealthyRun.Input().With(MetricCatalog.Kurtosis, TensorRoles.Input,
            HealthyRun.PerLayer((s, l) => l == Fc2 ? 4 * (1 + 0.005f * s) : 4f));
        Assert.Empty(OutlierGrowthDetector.Detect(input, DiagnosisThresholds.Default));
    }

    [Fact]
    public void Detect_OneSpikeAtTheEnd_NoTrend()
    {
        var input = HealthyRun.Input().With(MetricCatalog.Kurtosis, TensorRoles.Input,
            HealthyRun.PerLayer((s, l) => l == Fc2 ? (s == 59 ? 400f : 4 + (s % 3) * 0.1f) : 4f));
        Assert.Empty(OutlierGrowthDetector.Detect(input, DiagnosisThresholds.Default));
    }

    [Fact]
    public void Detect_RisingInANonFc2LayerOrAKeptInput_Nothing()
    {
        var rising = HealthyRun.PerLayer((s, _) => 2 * MathF.Pow(1.05f, s));
        var input = HealthyRun.Input().With(MetricCatalog.ChannelRatio, TensorRoles.Input, rising);
        input = input with
        {
            Plan = input.Plan.Select(p => p.Layer.EndsWith("down_proj", StringComparison.Ordinal) && p.Role == TensorRoles.Input
                ? p with { Format = "fp32", Recipe = "high precision" } : p).ToArray(),
        };
        Assert.Empty(OutlierGrowthDetector.Detect(input, DiagnosisThresholds.Default));
    }

    [Fact]
    public void Detect_FewerPointsThanTheMinimum_Nothing()
    {
        var series = new LayerSeries([0, 1, 2, 3, 4, 5, 6], Enumerable.Range(0, 7).Select(s => new[] { 1f, 1f, 1f + s, 1f }).ToArray());
        var input = HealthyRun.Input().With(MetricCatalog.Kurtosis, TensorRoles.Input, series);
        Assert.Empty(OutlierGrowthDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Single(OutlierGrowthDetector.Detect(input, DiagnosisThresholds.Default with { TrendMinPoints = 7 }));
    }
}
