using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

/// <summary>
/// The watched gradient's what-if fractions against their definition, counted on the host: v = |g · s| in float32, E5M2
/// flushes 0 &lt; v ≤ 2^-17, E4M3 0 &lt; v ≤ 2^-3, both overflow v &gt; 57344 or NaN. Edge values sit on and beside each limit.
/// </summary>
public sealed class GradWhatIfCountTests
{
    [Theory]
    [InlineData(57344f)] // scale 1: the limits themselves
    [InlineData(1f)]
    [InlineData(3e-7f)]
    public void Observe_EqualsTheHostCount(float amax)
    {
        using var stats = new GradWhatIfStats(new DelayedScalingRecipe(), CPU);
        var values = EdgeAndRandomValues();
        using var g = tensor(values);
        using var amaxTensor = tensor(amax);
        var (scale, pred) = stats.States[0].ScaleFor(amaxTensor);
        var s = scale.item<float>();
        scale.Dispose();
        pred.Dispose();

        using var magnitude = g.abs();
        using var fractions = stats.Observe(magnitude, amaxTensor)!;
        var measured = fractions.data<double>().ToArray();

        double overflow = 0, flushedE5M2 = 0, flushedE4M3 = 0;
        foreach (var x in values)
        {
            var v = MathF.Abs(x * s);
            if (float.IsNaN(v) || v > 57344f) overflow++;
            else if (v > 0 && v <= MathF.ScaleB(1, -17)) flushedE5M2++;
            if (v > 0 && v <= MathF.ScaleB(1, -3)) flushedE4M3++;
        }

        double n = values.Length;
        Assert.Equal([overflow / n, flushedE5M2 / n, overflow / n, flushedE4M3 / n], measured);
    }

    [Fact]
    public void CountAbove_InPieces_EqualsTheHostCount()
    {
        var values = EdgeAndRandomValues().Select(MathF.Abs).Select(v => float.IsNaN(v) ? float.PositiveInfinity : v).ToArray();
        using var v = tensor(values);
        float[] limits = [MathF.ScaleB(1, -17), MathF.ScaleB(1, -3), 57344f];
        for (var limit = 0; limit < limits.Length; limit++)
        {
            double expected = values.Count(x => x > limits[limit]);
            foreach (var piece in new[] { GradWhatIfStats.SumPiece, 1000, 7 })
            {
                using var count = GradWhatIfStats.CountAbove(v, limit, piece);
                Assert.Equal(expected, count.item<double>());
            }
        }
    }

    // ±0, the limits and their float32 neighbours (unscaled and divided by a few scales), subnormals, ±inf, NaN, and
    // log-uniform random magnitudes of both signs from 2^-150 to 2^20.
    private static float[] EdgeAndRandomValues()
    {
        var values = new List<float> { 0f, -0f, float.Epsilon, -float.Epsilon, float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.MaxValue };
        foreach (var limit in new[] { MathF.ScaleB(1, -17), MathF.ScaleB(1, -3), 57344f })
        {
            foreach (var s in new[] { 1f, 57344f, 57344f / 3e-7f })
            {
                var p = limit / s;
                values.AddRange([p, -p, MathF.BitDecrement(p), MathF.BitIncrement(p)]);
            }
        }

        var random = new Random(25);
        for (var i = 0; i < 4000; i++)
            values.Add((random.Next(2) == 0 ? -1 : 1) * MathF.Pow(2, (float)(random.NextDouble() * 170 - 150)));
        return [.. values];
    }
}
