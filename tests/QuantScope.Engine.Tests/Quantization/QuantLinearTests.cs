using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

public class QuantLinearTests
{
    private static float Stat(QuantLinear layer, string role, string metric) =>
        TensorAssert.Floats(layer.Probe.Stats)[LayerStatsLayout.IndexOf(role, metric)];

    [Fact]
    public void Forward_InputBeyondDelayedScale_RecordsExactSaturationFraction()
    {
        using var layer = new QuantLinear("fc", 4, 2, false, new DelayedScalingRecipe { AmaxComputeAlgo = AmaxAlgorithm.Max }, new DelayedScalingRecipe { AmaxComputeAlgo = AmaxAlgorithm.Max });
        layer.train();
        using (no_grad()) layer.Weight.copy_(tensor(new[] { 0.5f, -0.25f, 0.125f, 1f, 1f, 0.5f, -2f, 0.25f }).view(2, 4));

        // Step 0: amax 1 seeds the input scale 448/1 = 448.
        using (var first = tensor(new[] { 0.5f, -1f, 0.25f, 0.75f }).view(1, 4)) layer.forward(first).Dispose();

        // Step 1 uses scale 448 (from step 0 only): |x|·448 > 448 for -1.5, 2, 3 -> 3 of 8; exactly 1.0 does not saturate.
        using var second = tensor(new[] { 0.5f, -1.5f, 1f, 2f, 0.25f, -0.75f, 3f, 1f }).view(2, 4);
        layer.forward(second).Dispose();

        Assert.Equal(0.375f, Stat(layer, TensorRoles.Input, MetricCatalog.OverflowFraction));
        Assert.Equal(3f, Stat(layer, TensorRoles.Input, MetricCatalog.Amax));
        Assert.Equal(1f, Stat(layer, TensorRoles.Input, MetricCatalog.AmaxPred));
        Assert.Equal(448f, Stat(layer, TensorRoles.Input, MetricCatalog.Scale));
        // The weight has amax 2 on both steps: scale 224, nothing saturates.
        Assert.Equal(2f, Stat(layer, TensorRoles.Weight, MetricCatalog.Amax));
        Assert.Equal(224f, Stat(layer, TensorRoles.Weight, MetricCatalog.Scale));
        Assert.Equal(0f, Stat(layer, TensorRoles.Weight, MetricCatalog.OverflowFraction));
    }

    [Fact]
    public void Forward_QuantizedOnGridValues_EqualsPlainLinear()
    {
        // Weights and inputs already on the scaled grid pass unchanged: y = x·Wᵀ.
        using var layer = new QuantLinear("fc", 2, 1, true, new DelayedScalingRecipe(), new DelayedScalingRecipe());
        using (no_grad())
        {
            layer.Weight.copy_(tensor(new[] { 2f, -1f }).view(1, 2));
            layer.Bias!.fill_(0.5f);
        }

        using var x = tensor(new[] { 1f, 4f }).view(1, 2);
        using var y = layer.forward(x);
        Assert.Equal([2f * 1f - 1f * 4f + 0.5f], TensorAssert.Floats(y));
    }

    [Fact]
    public void Forward_Unquantized_RecordsAmaxOnlyAndIsExact()
    {
        using var layer = new QuantLinear("fc", 2, 1, false, null, null);
        using (no_grad()) layer.Weight.copy_(tensor(new[] { 0.3f, -0.7f }).view(1, 2));
        using var x = tensor(new[] { 1.1f, -2.9f }).view(1, 2);
        using var y = layer.forward(x);
        Assert.Equal([0.3f * 1.1f + 0.7f * 2.9f], TensorAssert.Floats(y), new FloatTolerance(1e-6f));
        Assert.Equal(2.9f, Stat(layer, TensorRoles.Input, MetricCatalog.Amax));
        Assert.Equal(0.7f, Stat(layer, TensorRoles.Weight, MetricCatalog.Amax));
        Assert.True(float.IsNaN(Stat(layer, TensorRoles.Input, MetricCatalog.Scale))); // not measured
        Assert.False(layer.IsQuantized);
    }
}
