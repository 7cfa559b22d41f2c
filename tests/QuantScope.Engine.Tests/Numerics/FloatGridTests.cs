using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics;

public class FloatGridTests
{
    private static float P2(int e) => MathF.ScaleB(1f, e);

    // ufp(clamp(a, 2^-22, 2^15)) by hand: the power of two at or below a, within the bounds.
    public static TheoryData<float, float> UfpTable => new()
    {
        { 1f, 1f },
        { 1.5f, 1f },
        { 1.9999999f, 1f },               // largest float below 2: still 2^0
        { 2f, 2f },
        { 3f, 2f },
        { 0.75f, 0.5f },
        { 40000f, P2(15) },               // above the ceiling 2^15
        { float.PositiveInfinity, P2(15) },
        { 0f, P2(-22) },                  // below the floor
        { 1e-45f, P2(-22) },              // float32 subnormal
        { 1.5f * P2(-22), P2(-22) },
        { 1.25f * P2(14), P2(14) },
        { float.NaN, float.NaN },
    };

    [Theory]
    [MemberData(nameof(UfpTable))]
    public void ScaledUfp_EdgeValue_GivesThePowerOfTwoAtOrBelow(float input, float expected)
    {
        using var a = tensor(new[] { input });
        using var u = FloatGrid.ScaledUfp(a, Math.Pow(2, -22), Math.Pow(2, 15), 0);
        TensorAssert.BitEqual(expected, TensorAssert.Scalar(u), $"ufp({input:R})");
        using var scaled = FloatGrid.ScaledUfp(a, Math.Pow(2, -22), Math.Pow(2, 15), 20);
        TensorAssert.BitEqual(expected * P2(20), TensorAssert.Scalar(scaled), $"2^20 ufp({input:R})");
    }

    [Fact]
    public void ScaledUfp_EveryBinadeEdge_IsExact()
    {
        // 2^e, the float just below it and the float just above, for every e the HiF8 and FP8 callers use.
        var inputs = new List<float>();
        var expected = new List<float>();
        for (var e = -21; e <= 15; e++)
        {
            inputs.AddRange([P2(e), MathF.BitDecrement(P2(e)), MathF.BitIncrement(P2(e))]);
            expected.AddRange([P2(e), P2(e - 1), P2(e)]);
        }

        using var a = tensor(inputs.ToArray());
        var u = TensorAssert.Floats(FloatGrid.ScaledUfp(a, Math.Pow(2, -22), Math.Pow(2, 15), 0));
        for (var i = 0; i < u.Length; i++) TensorAssert.BitEqual(expected[i], u[i], $"ufp({inputs[i]:R})");
    }

    public static TheoryData<string> Formats => new() { "e4m3", "e5m2", "e2m1" };

    [Theory]
    [MemberData(nameof(Formats))]
    public void RoundNearestEven_WideRangeGridAndTies_EqualsExponentEmulationBitForBit(string name)
    {
        var format = FloatFormat.FromName(name);
        using var scope = NewDisposeScope();
        var all = WideRangeWithEdges(format.RepresentableValues(), 1234);
        var fast = TensorAssert.Floats(FloatGrid.RoundNearestEven(all, format.MantissaBits, format.MinNormalExponent, format.MaxValue));
        var reference = TensorAssert.Floats(FloatQuantizer.QuantizeByExponent(all, format));
        AssertBitEqual(all, reference, fast);
    }

    /// <summary>
    /// Random magnitudes 2^-150 .. 2^130 (float32 subnormals to overflow), each grid point, each midpoint (exact ties)
    /// and the floats on both sides of it, both signs, ±0, ±inf and NaN. Over a million values.
    /// </summary>
    internal static Tensor WideRangeWithEdges(IReadOnlyList<double> gridValues, int seed)
    {
        using var generator = new Generator((ulong)seed, CPU);
        var exponent = rand(1 << 20, generator: generator).mul_(280).sub_(150);
        var random = randn(1 << 20, generator: generator).mul_(exponent.exp2());
        var grid = tensor(gridValues.Select(v => (float)v).ToArray());
        var midpoints = grid.narrow(0, 0, grid.shape[0] - 1).add(grid.narrow(0, 1, grid.shape[0] - 1)).div_(2);
        var above = midpoints.nextafter(full_like(midpoints, float.PositiveInfinity));
        var below = midpoints.nextafter(zeros_like(midpoints));
        var specials = tensor(new[] { 0f, float.PositiveInfinity, float.NaN, 1e-45f, float.MaxValue });
        var edges = cat([grid, midpoints, above, below, specials]);
        return cat([random, edges, edges.neg()]);
    }

    internal static void AssertBitEqual(Tensor inputs, float[] expected, float[] actual)
    {
        var x = TensorAssert.Floats(inputs);
        var mismatches = Enumerable.Range(0, x.Length)
            .Where(i => BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i])
                && !(float.IsNaN(expected[i]) && float.IsNaN(actual[i])))
            .Take(5).Select(i => $"{x[i]:R}: expected {expected[i]:R}, got {actual[i]:R}").ToArray();
        Assert.True(mismatches.Length == 0, string.Join("; ", mismatches));
        Assert.True(x.Length > 1_000_000);
    }

    internal static void AssertSameBits(Tensor expected, Tensor actual)
    {
        var e = TensorAssert.Floats(expected);
        var a = TensorAssert.Floats(actual);
        Assert.Equal(e.Length, a.Length);
        for (var i = 0; i < e.Length; i++) TensorAssert.BitEqual(e[i], a[i], $"[{i}]");
    }
}
