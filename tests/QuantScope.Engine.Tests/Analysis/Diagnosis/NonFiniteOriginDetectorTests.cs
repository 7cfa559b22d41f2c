using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Engine.Tests.Analysis.Diagnosis;

public class NonFiniteOriginDetectorTests
{
    [Fact]
    public void Detect_InfAmaxInTwoLayers_NamesTheFirstStepThenLayerInForwardOrder()
    {
        var input = HealthyRun.Input()
            .With(MetricCatalog.Amax, TensorRoles.Weight, HealthyRun.PerLayer((s, l) => s >= 30 && l == 1 ? float.PositiveInfinity : 1f))
            .With(MetricCatalog.Amax, TensorRoles.Input, HealthyRun.PerLayer((s, l) => s >= 31 && l == 0 ? float.PositiveInfinity : 1f));
        var finding = Assert.Single(NonFiniteOriginDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal((FindingSeverity.Critical, 30), (finding.Severity, finding.Steps[0]));
        Assert.Equal(["model.layers.0.mlp.up_proj"], finding.Layers);
        Assert.Equal(new ChartHint(MetricCatalog.Amax, TensorRoles.Weight, "model.layers.0.mlp.up_proj"), finding.Chart);
        Assert.Contains("+inf", finding.Evidence);
    }

    [Fact]
    public void Detect_EngineDivergenceMessage_NamesLayerAndRole()
    {
        var input = HealthyRun.Input() with { RunError = "Training diverged at step 12: non-finite grad of model.layers.1.mlp.down_proj." };
        var finding = Assert.Single(NonFiniteOriginDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(("grad", "model.layers.1.mlp.down_proj", 12), (finding.Chart.Role, finding.Layers[0], finding.Steps[0]));
        Assert.Contains("e5m2", finding.Fix);
    }

    [Fact]
    public void Detect_NaNGapsWithFiniteLoss_AreNotMeasurementsOfNaN()
    {
        var input = HealthyRun.Input().With(MetricCatalog.Amax, TensorRoles.GradOutput, HealthyRun.PerLayer((_, _) => float.NaN));
        Assert.Empty(NonFiniteOriginDetector.Detect(input, DiagnosisThresholds.Default));
    }
}
