using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

/// <summary>
/// The float32 histogram from binary exponents against the thresholds' definition (a right-closed bucketize on the host:
/// bin = number of thresholds ≤ |v|, NaN last), bin for bin and count for count; and the histogram's cadence.
/// </summary>
public sealed class MagnitudeHistogramExponentTests
{
    [Theory]
    [InlineData("e4m3")]
    [InlineData("e5m2")]
    [InlineData("e2m1")]
    [InlineData("hif8")]
    [InlineData("int8")]
    [InlineData("nvfp4")]
    [InlineData("mxfp8-e4m3")]
    public void Count_Float32_EqualsTheThresholdBins(string name)
    {
        var format = FormatName.Parse(name).Format;
        var values = EdgeAndRandomValues(format);
        using var x = tensor(values);
        var counts = MagnitudeHistogram.Count(x, format).cpu().data<double>().ToArray();

        var thresholds = MagnitudeBins.Thresholds(format);
        var expected = new double[thresholds.Length + 1];
        foreach (var v in values)
        {
            var m = MathF.Abs(v);
            expected[float.IsNaN(m) ? thresholds.Length : thresholds.Count(t => t <= m)]++;
        }

        var measured = counts.Where(c => !double.IsNaN(c)).ToArray(); // the format's bins, in order
        Assert.Equal(expected, measured);
        Assert.Equal(expected.Length, measured.Length);
    }

    [Fact]
    public void FakeQuantizer_NoPictures_LeavesTheHistogramAndBlockColumnsOut()
    {
        using var x = tensor(new[] { 0f, 1f, 2f, 1000f });
        using var scale = tensor(0.5f);
        var with = FakeQuantizer.Apply(x, scale, FloatFormat.E4M3, fullStats: true);
        var without = FakeQuantizer.Apply(x, scale, FloatFormat.E4M3, fullStats: true, pictures: false);
        var start = MagnitudeHistogram.Counts.Offset - RoleQuantizer.Elements.Offset;
        Assert.Equal(start, without.Stats.shape[0]); // the error columns only
        Assert.Equal(with.Stats.narrow(0, 0, start).cpu().data<double>().ToArray().Select(v => double.IsNaN(v) ? -1 : v),
            without.Stats.cpu().data<double>().ToArray().Select(v => double.IsNaN(v) ? -1 : v));
        with.Output.Dispose();
        without.Output.Dispose();
    }

    [Fact]
    public void QuantLinear_StatsStepWithoutPictures_HistogramAndBlockStatsNaN_DynamicRangeMeasured()
    {
        using var layer = new QuantLinear("fc", 32, 32, false, new DelayedScalingRecipe(), new BlockScalingRecipe { Format = FormatName.Parse("nvfp4") });
        layer.Probe.Pictures = false;
        using var x = tensor(new[] { 0.5f, 2f }.Concat(Enumerable.Repeat(1f, 62)).ToArray()).reshape(2, 32);
        using var y = layer.forward(x);
        using var stats = layer.Probe.Stats;
        float At(string role, string metric) => stats[LayerStatsLayout.RoleIndex(role), LayerStatsLayout.MetricIndex(metric)].item<float>();
        Assert.Equal(2f, At(TensorRoles.Input, MetricCatalog.DynamicRange));
        foreach (var role in new[] { TensorRoles.Input, TensorRoles.Weight })
        {
            Assert.All(MagnitudeBins.AllMetrics, m => Assert.True(float.IsNaN(At(role, m))));
            Assert.False(float.IsNaN(At(role, MetricCatalog.SqnrDb)));
        }

        Assert.True(float.IsNaN(At(TensorRoles.Weight, MetricCatalog.ScaleStd)));
    }

    // Zero, ±0, every power of two and its float32 neighbours over the union's range and beyond, the max and its
    // neighbours, subnormals, ±inf, NaN, and log-uniform random magnitudes of both signs from 2^-150 to 2^20.
    private static float[] EdgeAndRandomValues(INumberFormat format)
    {
        var max = (float)format.MaxValue;
        var values = new List<float> { 0f, -0f, float.Epsilon, -float.Epsilon, MathF.ScaleB(1, -130), float.PositiveInfinity, float.NegativeInfinity, float.NaN,
            max, -max, MathF.BitIncrement(max), MathF.BitDecrement(max), float.MaxValue };
        for (var k = -130; k <= 20; k++)
        {
            var p = MathF.ScaleB(1, k);
            values.AddRange([p, -p, MathF.BitDecrement(p), MathF.BitIncrement(p)]);
        }

        var random = new Random(23);
        for (var i = 0; i < 4000; i++)
            values.Add((random.Next(2) == 0 ? -1 : 1) * MathF.Pow(2, (float)(random.NextDouble() * 170 - 150)));
        return [.. values];
    }
}
