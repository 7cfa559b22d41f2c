using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

public class RoleQuantizerRowTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Quantize_CpuRow_IsAmaxPredScaleThenTheQuantizerStats(bool fullStats)
    {
        // On the CPU the row is written through spans; it must equal the tensor-op assembly: [amax, pred, scale] as
        // float64, then the fake quantizer's vector for the same scale.
        using var scope = NewDisposeScope();
        var x = linspace(-3, 3, 1000).mul_(7.3);
        var amax = x.abs().max();
        using var state = (CurrentScalingState)RoleQuantizer.CreateState("input", new CurrentScalingRecipe(), FloatFormat.E4M3)!;
        var (output, row) = RoleQuantizer.Quantize(x, amax, FloatFormat.E4M3, state, advance: false, fullStats, pictures: false);
        var scale = state.ScaleFor(amax, false);
        var expected = cat([stack([amax, amax, scale]).to(ScalarType.Float64), FakeQuantizer.ApplyTensorOps(x, scale, FloatFormat.E4M3, fullStats, pictures: false).Stats]);
        var e = expected.data<double>().ToArray();
        var a = row.data<double>().ToArray();
        Assert.Equal(e.Length, a.Length);
        for (var i = 0; i < e.Length; i++) Assert.Equal(e[i], a[i], Math.Abs(e[i]) * 1e-6); // the error sums: float64 against float32
        Assert.Equal(e.Take(7), a.Take(7)); // amax, pred, scale, elements, overflow, nonzero counts: exact
        Assert.Equal(TensorAssert.Floats(FakeQuantizer.ApplyTensorOps(x, scale, FloatFormat.E4M3).Output), TensorAssert.Floats(output));
    }
}
