using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Engine.Tests.Analysis.Diagnosis;

public class OutlierDetectorTests
{
    [Fact]
    public void Detect_Int4DownProjWithHeavyTailsAndDominantInputError_WarnsKeepIn8BitsWithShare()
    {
        var input = HealthyRun.Input()
            .With(MetricCatalog.Kurtosis, TensorRoles.Input, HealthyRun.PerLayer((_, l) => l == 2 ? 80f : 4f))
            .With(MetricCatalog.ErrorInputOnly, TensorRoles.Input, HealthyRun.PerLayer((_, l) => l == 2 ? 0.3f : 0.02f))
            .With(MetricCatalog.ErrorWeightOnly, TensorRoles.Input, HealthyRun.PerLayer((_, _) => 0.1f));
        input = input with { Plan = input.Plan.Select(p => p with { Format = "int4-g32", Recipe = "block" }).ToArray() };
        var finding = Assert.Single(OutlierDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal(["model.layers.0.mlp.down_proj"], finding.Layers);
        Assert.EndsWith("(FC2)", finding.Title);
        Assert.Contains("input kurtosis 80, 20× the median", finding.Evidence);
        Assert.Contains("75 % of this layer's error", finding.Evidence); // 0.3 / (0.3 + 0.1)
        Assert.Contains("\"format\": \"int8\"", finding.Fix);
    }

    [Fact]
    public void Detect_KurtosisDominantButBelowFloor_Nothing()
    {
        var input = HealthyRun.Input().With(MetricCatalog.Kurtosis, TensorRoles.Input, HealthyRun.PerLayer((_, l) => l == 2 ? 8f : 1.5f));
        Assert.Empty(OutlierDetector.Detect(input, DiagnosisThresholds.Default));
    }
}
