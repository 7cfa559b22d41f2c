using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics;

public class FiniteMagnitudeTests
{
    [Fact]
    public void Max_NonFiniteValues_CountAsZeroPerRowAndOverall()
    {
        using var x = tensor(new[] { 1f, -3f, float.PositiveInfinity, float.NaN, 2f, float.NegativeInfinity, 0.5f, -0.25f, float.NaN, float.PositiveInfinity, -0f, float.NegativeInfinity }).reshape(3, 4);
        using var rows = FiniteMagnitude.Max(x, -1);
        Assert.Equal(new long[] { 3, 1 }, rows.shape);
        Assert.Equal(new[] { 3f, 2f, 0f }, TensorAssert.Floats(rows)); // the last row has no finite nonzero value
        using var all = FiniteMagnitude.Max(x, null);
        Assert.Empty(all.shape);
        Assert.Equal(3f, TensorAssert.Scalar(all));
    }
}
