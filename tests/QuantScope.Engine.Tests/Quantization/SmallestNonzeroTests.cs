using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

/// <summary>The dynamic range's smallest nonzero magnitude against its host definition, on edge and random values.</summary>
public sealed class SmallestNonzeroTests
{
    public static TheoryData<float[]> Cases => new()
    {
        new[] { 0f, -0f, float.Epsilon, 1f },
        new[] { -float.Epsilon, 3f },
        new[] { 0f, float.PositiveInfinity },
        new[] { 0f, float.NegativeInfinity, 2f },
        new[] { 0f, float.MaxValue },
        new[] { -float.MaxValue, float.MaxValue },
        new[] { MathF.ScaleB(1, -130), MathF.ScaleB(1, -126), 0f },
        new[] { 0f, -0f, 0f },
        new[] { 5f },
        Random(1, 5000, withZeros: true),
        Random(2, 5000, withZeros: false),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SmallestNonzero_EqualsTheHostMinimum(float[] values)
    {
        using var x = tensor(values);
        using var measured = RangeStats.SmallestNonzero(x);
        var nonzero = values.Select(MathF.Abs).Where(v => v != 0).ToArray();
        var expected = nonzero.Length == 0 ? double.PositiveInfinity : nonzero.Min();
        Assert.Equal(expected, measured.data<double>().ToArray().Single());
    }

    [Fact]
    public void SmallestNonzero_NaN_IsNaN()
    {
        using var x = tensor(new[] { 0f, 1f, float.NaN });
        using var measured = RangeStats.SmallestNonzero(x);
        Assert.True(double.IsNaN(measured.data<double>().ToArray().Single()));
    }

    private static float[] Random(int seed, int count, bool withZeros)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => withZeros && random.Next(4) == 0 ? 0f
            : (random.Next(2) == 0 ? -1 : 1) * MathF.Pow(2, (float)(random.NextDouble() * 170 - 150)))];
    }
}
