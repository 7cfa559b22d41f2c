using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

/// <summary>The backward (output-gradient) quantizer of <see cref="QuantLinear"/>, against hand-computed grids.</summary>
public class GradOutputQuantizerTests
{
    private static float Stat(QuantLinear layer, string metric) =>
        TensorAssert.Floats(layer.Probe.Stats)[LayerStatsLayout.IndexOf(TensorRoles.GradOutput, metric)];

    /// <summary>A 2->2 layer with W = [[1, 2], [3, 4]], only its output gradient quantized by <paramref name="grad"/>.</summary>
    private static QuantLinear Layer(IScalingRecipe grad)
    {
        var layer = new QuantLinear("fc", 2, 2, false, null, null);
        layer.Configure(null, null, grad);
        using (no_grad()) layer.Weight.copy_(tensor(new[] { 1f, 2f, 3f, 4f }).view(2, 2));
        layer.train();
        return layer;
    }

    /// <summary>One forward and backward with upstream gradient <paramref name="g"/> [1, 2]; returns (dL/dx, dL/dW).</summary>
    private static (float[] Dx, float[] Dw) Backward(QuantLinear layer, float[] g)
    {
        layer.Weight.grad?.zero_();
        using var x = tensor(new[] { 1f, 2f }).view(1, 2).requires_grad_();
        using var y = layer.forward(x);
        using var upstream = tensor(g).view(1, 2);
        y.backward([upstream]);
        return (TensorAssert.Floats(x.grad!), TensorAssert.Floats(layer.Weight.grad!));
    }

    [Fact]
    public void E5M2Delayed_FirstStep_GradientLandsOnGridAndFeedsBothMatmuls()
    {
        using var layer = Layer(new DelayedScalingRecipe { Format = FormatName.E5M2, AmaxHistoryLength = 1024 });

        // Step 0 seeds with its own amax 1: scale 57344. 0.3·57344 = 17203.2 lies in [2^14, 2^15) where E5M2 steps by
        // 2^14/4 = 4096: nearest grid point 16384, so 0.3 becomes 16384/57344 = 2/7. 1·57344 is the max itself.
        var (dx, dw) = Backward(layer, [1f, 0.3f]);
        const float Q = 16384f / 57344f;

        // dL/dx = gq·W = [1·1 + Q·3, 1·2 + Q·4]; dL/dW = gqᵀ·x = [[1, 2], [Q, 2Q]].
        Assert.Equal([1f + 3f * Q, 2f + 4f * Q], dx, new FloatTolerance(1e-6f));
        Assert.Equal([1f, 2f, Q, 2f * Q], dw, new FloatTolerance(1e-6f));
        Assert.Equal(1f, Stat(layer, MetricCatalog.Amax));
        Assert.Equal(1f, Stat(layer, MetricCatalog.AmaxPred));
        Assert.Equal(57344f, Stat(layer, MetricCatalog.Scale));
        Assert.Equal(0f, Stat(layer, MetricCatalog.OverflowFraction));
    }

    [Fact]
    public void E5M2Delayed_SecondStep_UsesPreviousAmaxAndSaturates()
    {
        using var layer = Layer(new DelayedScalingRecipe { Format = FormatName.E5M2, AmaxHistoryLength = 1024 });
        Backward(layer, [1f, 0.3f]);

        // Step 1 keeps scale 57344 from step 0's amax 1: 2·57344 clips to 57344 (gradient 1, one of two saturated);
        // 0.5·57344 = 28672 = 7·4096 is on the grid.
        var (dx, _) = Backward(layer, [2f, 0.5f]);
        Assert.Equal([1f + 1.5f, 2f + 2f], dx, new FloatTolerance(1e-6f));
        Assert.Equal(2f, Stat(layer, MetricCatalog.Amax));
        Assert.Equal(1f, Stat(layer, MetricCatalog.AmaxPred));
        Assert.Equal(57344f, Stat(layer, MetricCatalog.Scale));
        Assert.Equal(0.5f, Stat(layer, MetricCatalog.OverflowFraction));
        Assert.Equal(2f, TensorAssert.Floats(layer.GradOutputScaling!.AmaxHistory)[0]);
    }

    [Fact]
    public void HiF8Delayed_ScalesToMaxVal15()
    {
        using var layer = Layer(new DelayedScalingRecipe { Format = FormatName.HiF8, AmaxHistoryLength = 64 });

        // Scale 15/1 = 15. 0.31·15 = 4.65 has E = 2 (3 mantissa bits, step 0.5): rounds to 4.5, i.e. 0.3.
        var (dx, _) = Backward(layer, [1f, 0.31f]);
        Assert.Equal([1f + 0.9f, 2f + 1.2f], dx, new FloatTolerance(1e-6f));
        Assert.Equal(15f, Stat(layer, MetricCatalog.Scale));
    }

    [Fact]
    public void ForwardValueAndInputRoles_AreUnchangedByTheGradientQuantizer()
    {
        using var layer = Layer(new DelayedScalingRecipe { Format = FormatName.E5M2 });
        using var x = tensor(new[] { 1f, 2f }).view(1, 2);
        using var y = layer.forward(x);
        Assert.Equal([5f, 11f], TensorAssert.Floats(y));
        Assert.True(float.IsNaN(Stat(layer, MetricCatalog.Amax))); // written by the backward pass only
    }

    [Fact]
    public void EvalMode_GradientPassesUnquantized()
    {
        using var layer = Layer(new DelayedScalingRecipe { Format = FormatName.E5M2 });
        layer.eval();
        var (dx, _) = Backward(layer, [1f, 0.3f]);
        Assert.Equal([1f + 0.9f, 2f + 1.2f], dx, new FloatTolerance(1e-6f));
        Assert.False(layer.GradOutputScaling!.IsSeeded);
    }

    [Fact]
    public void Configure_Again_ReplacesTheStates()
    {
        using var layer = Layer(new DelayedScalingRecipe { Format = FormatName.E5M2 });
        Backward(layer, [1f, 0.3f]);
        layer.Configure(new DelayedScalingRecipe(), null, new DelayedScalingRecipe { Format = FormatName.HiF8 });
        Assert.False(layer.GradOutputScaling!.IsSeeded);
        Assert.Equal(15.0, layer.GradOutputScaling.TargetMax);
        Assert.Equal(
            ["input_scaling.amax_history", "input_scaling.scale", "input_scaling.amaxPred",
             "grad_scaling.amax_history", "grad_scaling.scale", "grad_scaling.amaxPred"],
            layer.named_buffers().Select(b => b.name).Where(n => n.Contains("_scaling.")).ToArray());
    }

    [Fact]
    public void Warmup_DisabledThenEnabled_RunsHighPrecisionThenReseedsEveryHistory()
    {
        var r = new DelayedScalingRecipe { Format = FormatName.E5M2, AmaxHistoryLength = 4 };
        using var layer = new QuantLinear("fc", 2, 2, false, r, r);
        layer.Configure(r, r, r);
        using (no_grad()) layer.Weight.copy_(tensor(new[] { 1f, 2f, 3f, 4f }).view(2, 2));
        layer.train();
        Backward(layer, [1f, 0.3f]); // quantized: seeds all three histories with amax 1 (g), 2 (x), 4 (W)
        layer.QuantizationEnabled = false;

        // Warmup step: exact gradient (0.3 is not on the E5M2 grid at scale 57344), amax only (every role), histories untouched.
        var (dx, _) = Backward(layer, [8f, 0.3f]);
        Assert.Equal([8f + 0.9f, 16f + 1.2f], dx, new FloatTolerance(1e-5f));
        var stats = TensorAssert.Floats(layer.Probe.Stats);
        var width = LayerStatsLayout.Metrics.Count;
        Assert.Equal(2f, stats[0]); // input amax; scale and the rest not measured
        Assert.All(stats.Skip(1).Take(10), v => Assert.True(float.IsNaN(v)));
        Assert.Equal(8f, stats[2 * width]); // the gradient's amax, measured for the warmup's calibration
        Assert.All(stats.Skip(2 * width + 1), v => Assert.True(float.IsNaN(v))); // but not quantized
        Assert.Equal(1, layer.GradOutputScaling!.Updates);

        // Switched on: every state forgets the earlier quantized step and seeds from the current one (g amax 8).
        layer.QuantizationEnabled = true;
        Assert.All(new[] { layer.InputScaling!, layer.WeightScaling!, layer.GradOutputScaling }, s => Assert.False(s.IsSeeded));
        Backward(layer, [8f, 0.3f]);
        Assert.Equal(8f, Stat(layer, MetricCatalog.AmaxPred));
        Assert.Equal(57344f / 8f, Stat(layer, MetricCatalog.Scale));
        Assert.Equal([8f, 0f, 0f, 0f], TensorAssert.Floats(layer.GradOutputScaling.AmaxHistory));
    }

    [Fact]
    public void NonFiniteGradient_ShowsInGradOutputAmax()
    {
        using var layer = Layer(new DelayedScalingRecipe { Format = FormatName.E5M2 });
        Backward(layer, [float.NaN, 0.5f]);
        Assert.True(float.IsNaN(Stat(layer, MetricCatalog.Amax)));
    }
}
