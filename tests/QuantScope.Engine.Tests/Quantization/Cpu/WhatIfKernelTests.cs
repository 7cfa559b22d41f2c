using QuantScope.Engine.Numerics.Cpu;
using QuantScope.Engine.Quantization.Cpu;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization.Cpu;

/// <summary>
/// <see cref="WhatIfStats.Compute"/>'s CPU kernel for float grids against the tensor-op route: the element, overflow
/// and nonzero counts equal; Σ(q - x)² and Σx² (non-negative terms) within 1e-5 of each other (float32 against float64
/// sums); under an amax that is this step's, 0, NaN, +∞ or so small that the scale is +∞.
/// </summary>
public sealed class WhatIfKernelTests
{
    [Theory]
    [InlineData("e4m3", 13)]
    [InlineData("e4m3", 1 << 21)]
    [InlineData("e5m2", 4099)]
    [InlineData("e2m1", 1000)]
    public void Compute_Kernel_EqualsTheTensorRoute(string name, int length)
    {
        var format = FormatName.Parse(name).Format;
        foreach (var withNonFinite in new[] { false, true }) // finite values only: the sums are compared, not just their inf/NaN
        {
            var values = Values(length, withNonFinite);
            using var x = empty([length]);
            values.CopyTo(CpuKernel.Floats(x));
            AssertRoutesAgree(x, values.Where(float.IsFinite).Select(MathF.Abs).Max(), format);
        }
    }

    private static void AssertRoutesAgree(Tensor x, float finite, INumberFormat format)
    {
        foreach (var a in new[] { finite, 0f, float.NaN, float.PositiveInfinity, 1e-44f, 3.5f })
        {
            using var amax = full(Array.Empty<long>(), a, dtype: ScalarType.Float32);
            Assert.True(WhatIfKernel.Applies(x, amax, format));
            using var kernel = WhatIfStats.Compute(x, amax, format);
            using var reference = WhatIfStats.ComputeByTensorOps(x, amax, format);
            var k = kernel.data<double>().ToArray();
            var r = reference.data<double>().ToArray();
            Assert.Equal(r[..4], k[..4]);
            for (var i = 4; i < 6; i++)
            {
                if (!double.IsFinite(r[i]))
                {
                    Assert.Equal(r[i], k[i]);
                    continue;
                }

                Assert.True(Math.Abs(r[i] - k[i]) <= 1e-5 * Math.Max(Math.Abs(r[i]), Math.Abs(k[i])), $"amax {a}, column {i}: {r[i]} vs {k[i]}");
            }
        }
    }

    [Fact]
    public void Applies_OnlyToFloatGridsAndCpuFloat32()
    {
        using var x = ones(8);
        using var amax = ones(Array.Empty<long>());
        Assert.True(WhatIfKernel.Applies(x, amax, FormatName.E4M3.Format));
        Assert.False(WhatIfKernel.Applies(x, amax, FormatName.HiF8.Format));
        Assert.False(WhatIfKernel.Applies(x, amax, FormatName.Parse("int8").Format));
        using var wide = ones(8, dtype: ScalarType.Float64);
        Assert.False(WhatIfKernel.Applies(wide, amax, FormatName.E4M3.Format));
    }

    // Zeros, subnormals, values at and beyond E4M3's max (with ±inf and a NaN), then log-uniform magnitudes of both
    // signs from 2^-150 to 2^20.
    private static float[] Values(int length, bool withNonFinite)
    {
        float[] edges = withNonFinite
            ? [0f, -0f, float.Epsilon, -1e-40f, 1f, -448f, 500f, float.PositiveInfinity, float.NegativeInfinity, float.NaN]
            : [0f, -0f, float.Epsilon, -1e-40f, 1f, -448f, 500f];
        var random = new Random(length);
        var values = new float[length];
        for (var i = 0; i < length; i++)
            values[i] = i < edges.Length ? edges[i] : (random.Next(2) == 0 ? -1 : 1) * MathF.Pow(2, (float)(random.NextDouble() * 170 - 150));
        return values;
    }
}
