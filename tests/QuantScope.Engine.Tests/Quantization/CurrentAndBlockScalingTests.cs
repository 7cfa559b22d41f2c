using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

public class CurrentAndBlockScalingTests
{
    private static float Stat(QuantLinear layer, string role, string metric) =>
        TensorAssert.Floats(layer.Probe.Stats)[LayerStatsLayout.IndexOf(role, metric)];

    [Fact]
    public void CurrentState_ScaleFromThisStepsAmax_KeepsLastOnZero()
    {
        using var state = new CurrentScalingState("s", new CurrentScalingRecipe(), FloatFormat.E4M3);
        using (var a = tensor(4f)) using (var s = state.ScaleFor(a, true)) Assert.Equal(112f, TensorAssert.Scalar(s));
        using (var a = tensor(100f)) using (var s = state.ScaleFor(a, true)) Assert.Equal(4.48f, TensorAssert.Scalar(s));
        using (var a = tensor(0f)) using (var s = state.ScaleFor(a, true)) Assert.Equal(4.48f, TensorAssert.Scalar(s));
    }

    [Fact]
    public void QuantLinear_CurrentScaling_SpikeNeverSaturates()
    {
        using var layer = new QuantLinear("fc", 4, 2, false, new CurrentScalingRecipe(), new CurrentScalingRecipe());
        layer.train();
        using (no_grad()) layer.Weight.fill_(0.5f);
        using (var first = tensor(new[] { 0.5f, -1f, 0.25f, 0.75f }).view(1, 4)) layer.forward(first).Dispose();
        using (var spike = tensor(new[] { 0.5f, -1f, 0.25f, 100f }).view(1, 4)) layer.forward(spike).Dispose();
        Assert.Equal(0f, Stat(layer, TensorRoles.Input, MetricCatalog.OverflowFraction));
        Assert.Equal(100f, Stat(layer, TensorRoles.Input, MetricCatalog.AmaxPred));
        Assert.Equal(4.48f, Stat(layer, TensorRoles.Input, MetricCatalog.Scale));
        Assert.Null(layer.InputScaling);
        Assert.IsType<CurrentScalingRecipe>(layer.InputRecipe);
    }

    [Fact]
    public void QuantLinear_MixedRoles_InputHighPrecisionWeightBlock()
    {
        using var layer = new QuantLinear("fc", 32, 2, false, null, new BlockScalingRecipe { Format = FormatName.Parse("mxfp4") });
        layer.train();
        using (no_grad()) layer.Weight.copy_(randn(2, 32));
        using var x = randn(3, 32);
        using var y = layer.forward(x);
        using var wq = MxFormat.Mxfp4.QuantizeDequantize(layer.Weight.detach());
        using var expected = nn.functional.linear(x, wq);
        Assert.True(y.allclose(expected, rtol: 1e-5, atol: 1e-5));
        Assert.True(float.IsNaN(Stat(layer, TensorRoles.Input, MetricCatalog.Scale))); // high precision: amax only
        var wAmax = Stat(layer, TensorRoles.Weight, MetricCatalog.Amax);
        Assert.Equal(wAmax, Stat(layer, TensorRoles.Weight, MetricCatalog.AmaxPred));
        Assert.Equal(1f, Stat(layer, TensorRoles.Weight, MetricCatalog.Scale));
        Assert.Equal(0f, Stat(layer, TensorRoles.Weight, MetricCatalog.OverflowFraction));
        Assert.True(layer.IsQuantized);
    }

    [Fact]
    public void QuantLinear_BlockRole_StraightThroughGradient()
    {
        using var layer = new QuantLinear("fc", 32, 2, false, new BlockScalingRecipe { Format = FormatName.Parse("int4-g16") }, new BlockScalingRecipe { Format = FormatName.Parse("int4-g16") });
        layer.train();
        using (no_grad()) layer.Weight.copy_(randn(2, 32));
        using var x = randn(3, 32, requires_grad: true);
        using var y = layer.forward(x);
        y.sum().backward();
        Assert.NotNull(x.grad);
        Assert.True(x.grad!.isfinite().all().item<bool>());
    }
}
