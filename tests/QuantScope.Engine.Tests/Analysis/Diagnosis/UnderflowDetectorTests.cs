using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Engine.Tests.Analysis.Diagnosis;

public class UnderflowDetectorTests
{
    [Fact]
    public void Detect_GradientsFlushedToZero_WarnsWithE5M2Fix()
    {
        var input = HealthyRun.Input().With(MetricCatalog.UnderflowFraction, TensorRoles.GradOutput, HealthyRun.PerLayer((_, l) => l == 1 ? 0.2f : 0.01f));
        var finding = Assert.Single(UnderflowDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal(["model.layers.0.mlp.up_proj"], finding.Layers);
        Assert.Contains("20 %", finding.Evidence);
        Assert.Contains("e5m2", finding.Fix);
    }

    [Fact]
    public void Detect_MostActivationsUnderflow_Critical()
    {
        var input = HealthyRun.Input().With(MetricCatalog.UnderflowFraction, TensorRoles.Input, HealthyRun.PerLayer((_, _) => 0.6f));
        var finding = Assert.Single(UnderflowDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(FindingSeverity.Critical, finding.Severity);
        Assert.Equal(4, finding.Layers.Count);
    }
}
