using QuantScope.Engine.Numerics.Cpu;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization.Cpu;

/// <summary>
/// <see cref="MagnitudeHistogram.Count"/>'s CPU kernel against the tensor-op route (frexp, clamps, masks, scatter_add):
/// every column equal, NaN columns included, for each format's bins, on edges (0, subnormals, powers of two and their
/// neighbours, the max and beyond, ±inf, NaN), tails shorter than a vector and several parts.
/// </summary>
public sealed class MagnitudeHistogramKernelTests
{
    [Theory]
    [InlineData("e4m3", 13)]
    [InlineData("e4m3", 1 << 21)]
    [InlineData("e5m2", 4099)]
    [InlineData("e2m1", 1000)]
    [InlineData("hif8", 1 << 20)]
    [InlineData("int8", 777)]
    [InlineData("nvfp4", 64)]
    public void Count_Kernel_EqualsTheTensorRoute(string name, int length)
    {
        var format = FormatName.Parse(name).Format;
        var values = Values(format, length);
        using var x = empty([values.Length]);
        values.CopyTo(CpuKernel.Floats(x));
        using var kernel = MagnitudeHistogram.Count(x, format);
        using var reference = MagnitudeHistogram.CountByTensorOps(x, format);
        Assert.Equal(reference.data<double>().ToArray(), kernel.data<double>().ToArray());
        Assert.Equal(values.Length, kernel.data<double>().ToArray().Where(c => !double.IsNaN(c)).Sum());
    }

    [Theory]
    [InlineData("e4m3", 4099, 3.1f)]
    [InlineData("e5m2", 1 << 21, 0.0078125f)]
    [InlineData("hif8", 1000, 1.7e-3f)]
    [InlineData("e2m1", 77, 1e30f)]
    public void CountScaled_EqualsTheTensorRouteOfTheProduct(string name, int length, float scale)
    {
        var format = FormatName.Parse(name).Format;
        var values = Values(format, length);
        using var x = empty([values.Length]);
        values.CopyTo(CpuKernel.Floats(x));
        using var factor = full(Array.Empty<long>(), scale);
        using var product = x.mul(factor);
        using var kernel = MagnitudeHistogram.CountScaled(x, scale, format);
        using var reference = MagnitudeHistogram.CountByTensorOps(product, format);
        Assert.Equal(reference.data<double>().ToArray(), kernel.data<double>().ToArray());
    }

    // The edges first (cut to `length` when shorter), then log-uniform magnitudes of both signs from 2^-150 to 2^20.
    private static float[] Values(INumberFormat format, int length)
    {
        var edges = new List<float> { 0f, -0f, float.Epsilon, MathF.ScaleB(1, -126), float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.MaxValue };
        var max = (float)format.MaxValue;
        edges.AddRange([max, -max, MathF.BitIncrement(max), MathF.BitDecrement(max)]);
        for (var k = MagnitudeBins.MinExponent(format) - 1; k <= MagnitudeBins.MaxExponent(format) + 1; k++)
        {
            var p = MathF.ScaleB(1, k);
            edges.AddRange([p, -MathF.BitDecrement(p), MathF.BitIncrement(p)]);
        }

        var random = new Random(length);
        var values = new float[length];
        for (var i = 0; i < length; i++)
            values[i] = i < edges.Count ? edges[i] : (random.Next(2) == 0 ? -1 : 1) * MathF.Pow(2, (float)(random.NextDouble() * 170 - 150));
        if (length > 9) values[length - 2] = float.NaN; // also in the last part and the tail
        return values;
    }
}
