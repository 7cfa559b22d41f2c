using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

public class FakeQuantizerTests
{
    [Fact]
    public void Apply_ScaleTwo_ReturnsGridValueDividedByScale()
    {
        // x·2: 1.0625 (tie -> 1), 0.75 -> 1.5 (on grid), 300 -> 600 -> 448; then / 2.
        using var x = tensor(new[] { 0.53125f, 0.375f, 300f });
        using var scale = tensor(2f);
        var result = FakeQuantizer.Apply(x, scale, FloatFormat.E4M3);
        Assert.Equal([0.5f, 0.375f, 224f], TensorAssert.Floats(result.Output));
        Assert.Equal(1f / 3f, TensorAssert.Scalar(result.Saturation));
    }

    [Fact]
    public void Apply_Backward_GradientIsOnesEverywhereIncludingSaturated()
    {
        // The straight-through estimator passes the gradient unchanged, also for clipped elements (documented choice).
        using var generator = new Generator(7, CPU);
        using var x = randn(1000, generator: generator).mul_(50).requires_grad_(true);
        using var scale = tensor(4f); // |x| > 112 saturates
        var result = FakeQuantizer.Apply(x, scale, FloatFormat.E4M3);
        Assert.True(TensorAssert.Scalar(result.Saturation) > 0f);
        result.Output.sum().backward();
        Assert.All(TensorAssert.Floats(x.grad!), g => Assert.Equal(1f, g));
    }
}
