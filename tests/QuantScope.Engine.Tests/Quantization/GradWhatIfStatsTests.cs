using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

/// <summary>A gradient kept in high precision, watched: amax, and what E5M2 / E4M3 under delayed scaling would have done.</summary>
public sealed class GradWhatIfStatsTests
{
    private static float Stat(QuantLinear layer, string metric) =>
        TensorAssert.Floats(layer.Probe.Stats)[LayerStatsLayout.IndexOf(TensorRoles.GradOutput, metric)];

    // A 4->4 identity layer, input and weight E4M3 delayed (history 16), gradient in high precision, watched.
    private static QuantLinear Layer()
    {
        var layer = new QuantLinear("fc", 4, 4, false, new DelayedScalingRecipe(), new DelayedScalingRecipe());
        using (no_grad()) layer.Weight.copy_(eye(4));
        layer.Probe.ObserveGrad = true;
        layer.train();
        return layer;
    }

    private static float[] Backward(QuantLinear layer, float[] g)
    {
        layer.Weight.grad?.zero_();
        using var x = tensor(new[] { 1f, 2f, 3f, 4f }).view(1, 4).requires_grad_();
        using var y = layer.forward(x);
        using var upstream = tensor(g).view(1, 4);
        y.backward([upstream]);
        return TensorAssert.Floats(x.grad!);
    }

    [Fact]
    public void HighPrecisionGrad_FirstStepScaledByItsOwnAmax_ThenByTheHistory()
    {
        using var layer = Layer();
        // Step 0 seeds with its own amax 1: E5M2 scale 57344, E4M3 448. 1e-9 · 57344 = 5.7e-5 is above half of E5M2's
        // smallest subnormal 2^-16 (it survives); 1e-9 · 448 = 4.5e-7 is below half of E4M3's 2^-9 (it flushes).
        var dx = Backward(layer, [1f, 1e-3f, 1e-9f, 0f]);
        Assert.Equal([1f, 1e-3f, 1e-9f, 0f], dx); // the gradient passed on unchanged (W = I)
        Assert.Equal(1f, Stat(layer, MetricCatalog.Amax));
        Assert.Equal(0f, Stat(layer, "whatIf.e5m2.overflowFraction"));
        Assert.Equal(0f, Stat(layer, "whatIf.e5m2.underflowFraction"));
        Assert.Equal(0f, Stat(layer, "whatIf.e4m3.overflowFraction"));
        Assert.Equal(0.25f, Stat(layer, "whatIf.e4m3.underflowFraction"));
        Assert.Equal((float)(Math.Log2(1) - Math.Log2(1e-9f)), Stat(layer, MetricCatalog.DynamicRange), 4);
        Assert.True(float.IsNaN(Stat(layer, MetricCatalog.OverflowFraction))); // not quantized: no own overflow

        // Step 1 is scaled by the history (amax 1): a gradient of 4 overflows both formats.
        Backward(layer, [4f, 1f, 1f, 1f]);
        Assert.Equal(4f, Stat(layer, MetricCatalog.Amax));
        Assert.Equal(0.25f, Stat(layer, "whatIf.e5m2.overflowFraction"));
        Assert.Equal(0.25f, Stat(layer, "whatIf.e4m3.overflowFraction"));
    }

    [Fact]
    public void HighPrecisionGrad_OffStatsSteps_AmaxOnlyAndTheHistoryStillAdvances()
    {
        using var layer = Layer();
        layer.Probe.CollectStats = false;
        Backward(layer, [2f, 0f, 0f, 0f]);
        Assert.Equal(2f, Stat(layer, MetricCatalog.Amax));
        Assert.True(float.IsNaN(Stat(layer, "whatIf.e5m2.overflowFraction")));
        layer.Probe.CollectStats = true;
        Backward(layer, [3f, 0f, 0f, 0f]); // scaled by the history's 2: 3 · 57344 / 2 overflows
        Assert.Equal(0.25f, Stat(layer, "whatIf.e5m2.overflowFraction"));
    }

    [Fact]
    public void NotWatched_GradRowStaysNaN()
    {
        using var layer = Layer();
        layer.Probe.ObserveGrad = false;
        Backward(layer, [1f, 1f, 1f, 1f]);
        Assert.True(float.IsNaN(Stat(layer, MetricCatalog.Amax)));
    }

    [Fact]
    public void StatsConfig_Grad_IsOnByDefault() => Assert.True(new StatsConfig().Grad);
}
