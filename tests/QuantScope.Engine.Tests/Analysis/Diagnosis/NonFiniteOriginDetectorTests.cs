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
    public void Detect_RecordedDivergence_UsedAsDataNotTheMessage()
    {
        // The summary's record wins; the message (which a user could have edited, or a later version could word
        // differently) is not read when the record is there.
        var input = HealthyRun.Input() with
        {
            Divergence = new DivergenceInfo(7, "model.layers.0.self_attn.q_proj", TensorRoles.Input),
            RunError = "Training diverged at step 12: non-finite grad of model.layers.1.mlp.down_proj.",
        };
        var finding = Assert.Single(NonFiniteOriginDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal((TensorRoles.Input, "model.layers.0.self_attn.q_proj", 7), (finding.Chart.Role, finding.Layers[0], finding.Steps[0]));
        Assert.Contains("in forward order", finding.Evidence);

        var lossOnly = HealthyRun.Input() with { Divergence = new DivergenceInfo(3, null, null), RunError = input.RunError };
        Assert.Empty(NonFiniteOriginDetector.Detect(lossOnly, DiagnosisThresholds.Default)); // no layer to name: the divergence detector speaks
    }

    [Fact]
    public void Detect_InfGradientsInTwoLayers_NamesTheLastLayerFirst()
    {
        // Gradients flow backwards: at step 20 the last layer's gradient overflowed first and poisoned the earlier one.
        var input = HealthyRun.Input()
            .With(MetricCatalog.Amax, TensorRoles.GradOutput, HealthyRun.PerLayer((s, l) => s >= 20 && l is 1 or 3 ? float.PositiveInfinity : 1f));
        var finding = Assert.Single(NonFiniteOriginDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal((TensorRoles.GradOutput, "model.layers.1.mlp.down_proj", 20), (finding.Chart.Role, finding.Layers[0], finding.Steps[0]));
        Assert.Contains("in backward order", finding.Evidence);
    }

    [Fact]
    public void Detect_ForwardNaNAndGradientNaNInOneStep_TheForwardOneCameFirst()
    {
        var input = HealthyRun.Input()
            .With(MetricCatalog.Amax, TensorRoles.GradOutput, HealthyRun.PerLayer((s, l) => s >= 20 && l == 3 ? float.PositiveInfinity : 1f))
            .With(MetricCatalog.Amax, TensorRoles.Weight, HealthyRun.PerLayer((s, l) => s >= 20 && l == 2 ? float.PositiveInfinity : 1f));
        var finding = Assert.Single(NonFiniteOriginDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal((TensorRoles.Weight, "model.layers.0.mlp.down_proj"), (finding.Chart.Role, finding.Layers[0]));
    }

    [Fact]
    public void Detect_NaNGapsWithFiniteLoss_AreNotMeasurementsOfNaN()
    {
        var input = HealthyRun.Input().With(MetricCatalog.Amax, TensorRoles.GradOutput, HealthyRun.PerLayer((_, _) => float.NaN));
        Assert.Empty(NonFiniteOriginDetector.Detect(input, DiagnosisThresholds.Default));
    }
}
