using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

/// <summary>The magnitude histogram, the block-scale statistics and the dynamic range against hand-computed values.</summary>
public sealed class MagnitudeHistogramTests
{
    private static double[] Doubles(Tensor t) => t.cpu().data<double>().ToArray();

    [Fact]
    public void Count_E4M3_EachValueInItsBin_OthersNaN()
    {
        // zero, under (2^-10), e-9 (2^-9), e0 (1.5 and -1), e1 (-3), e8 (448, the max), over (449, NaN, +inf)
        using var x = tensor(new[] { 0f, MathF.ScaleB(1, -10), MathF.ScaleB(1, -9), 1.5f, -1f, -3f, 448f, 449f, float.NaN, float.PositiveInfinity });
        var counts = Doubles(MagnitudeHistogram.Count(x, FloatFormat.E4M3));
        double At(string metric) => counts[MagnitudeBins.IndexOf(metric)];
        Assert.Equal(1, At("magHist.zero"));
        Assert.Equal(1, At("magHist.under"));
        Assert.Equal(1, At("magHist.e-9"));
        Assert.Equal(2, At("magHist.e0"));
        Assert.Equal(1, At("magHist.e1"));
        Assert.Equal(1, At("magHist.e8"));
        Assert.Equal(3, At("magHist.over"));
        Assert.Equal(0, At("magHist.e5"));
        Assert.True(double.IsNaN(At("magHist.e-10"))); // below E4M3's bins: not measured
        Assert.True(double.IsNaN(At("magHist.e9")));
        Assert.Equal(10, counts.Where(c => !double.IsNaN(c)).Sum());
    }

    [Fact]
    public void FakeQuantizer_FullStats_HistogramOfTheScaledValues()
    {
        using var x = tensor(new[] { 0f, 1f, 2f, 1000f });
        using var scale = tensor(0.5f); // scaled: 0, 0.5 (e-1), 1 (e0), 500 (over)
        var result = FakeQuantizer.Apply(x, scale, FloatFormat.E4M3, fullStats: true);
        var raw = Doubles(result.Stats);
        var start = MagnitudeHistogram.Counts.Offset - RoleQuantizer.Elements.Offset; // the vector starts at Elements
        double At(string metric) => raw[start + MagnitudeBins.IndexOf(metric)];
        Assert.Equal([1, 1, 1, 1], new[] { At("magHist.zero"), At("magHist.e-1"), At("magHist.e0"), At("magHist.over") });
        Assert.True(raw.Skip(BlockScaleStats.Columns.Offset - RoleQuantizer.Elements.Offset).Take(BlockScaleStats.Columns.Count).All(double.IsNaN)); // per-tensor: no blocks
        result.Output.Dispose();
    }

    // Three MXFP8-E4M3 blocks of 32: all zeros (exponent clamped to -127: at the limit), all ones (scale_inv 2^-8), and
    // one 1024 among 31 values of 1e-3 (scale_inv 2^(10-8) = 4: 1e-3 / 4 is below half of E4M3's 2^-9, so 31 of 32 flush).
    [Fact]
    public void BlockStats_Mxfp8_HandComputed()
    {
        var values = new float[96];
        for (var i = 32; i < 64; i++) values[i] = 1f;
        for (var i = 64; i < 96; i++) values[i] = 1e-3f;
        values[64] = 1024f;
        using var x = tensor(values).reshape(1, 96);
        var result = FakeQuantizer.ApplyBlock(x, MxFormat.Mxfp8E4M3, fullStats: true);
        var raw = new double[RawStatsLayout.Width];
        Doubles(result.Stats).CopyTo(raw, RoleQuantizer.Elements.Offset);
        raw[RoleQuantizer.Amax.Offset] = 1024;
        var scales = new[] { Math.Pow(2, -127), Math.Pow(2, -8), 4.0 };
        var mean = scales.Average();
        var std = Math.Sqrt(scales.Select(s => (s - mean) * (s - mean)).Average());
        double Metric(string name) => LayerStatsLayout.Stats.Single(s => s.Metric == name).Finish(raw, TensorRoles.Input);
        Assert.Equal(Math.Pow(2, -127), Metric(MetricCatalog.ScaleInvMin));
        Assert.Equal(4.0, Metric(MetricCatalog.ScaleInvMax));
        Assert.Equal(std, Metric(MetricCatalog.ScaleStd), 12);
        Assert.Equal(1.0 / 3, Metric(MetricCatalog.BlocksAtScaleLimit), 12);
        Assert.Equal(1.0 / 3, Metric(MetricCatalog.BlockUnderflow), 12);
        // The elements in scale units: 32 zeros; 32 ones x 2^8 = 256 (e8); 1024 / 4 = 256 (e8) and 31 x 2.5e-4 (under).
        Assert.Equal(32.0 / 96, Metric("magHist.zero"), 12);
        Assert.Equal(33.0 / 96, Metric("magHist.e8"), 12);
        Assert.Equal(31.0 / 96, Metric("magHist.under"), 12);
        Assert.Equal(1.0, MagnitudeBins.AllMetrics.Select(Metric).Where(v => !double.IsNaN(v)).Sum(), 12);
        result.Output.Dispose();
    }

    [Fact]
    public void BlockStats_NvFp4_TheAmaxBlockSitsAtE4M3Max()
    {
        // Two blocks of 16: amax 6 (block scale E4M3(6/6 · 448·6/6) = 448: the max) and amax 3 (224).
        var values = new float[32];
        values[0] = 6f;
        values[16] = 3f;
        using var x = tensor(values).reshape(1, 32);
        using var view = BlockScaleView.Of(x, NvFp4Format.Instance)!;
        Assert.Equal([448.0 / 448, 224.0 / 448], Doubles(view.ScaleInv.reshape(-1))); // block scale / s_global (s_global = 448)
        Assert.Equal([true, false], view.AtLimit!.reshape(-1).data<bool>().ToArray());
    }

    [Fact]
    public void BlockStats_IntGroups_ScaleIsAbsmaxOverLevels_NoLimit()
    {
        using var x = tensor(Enumerable.Range(0, 32).Select(i => i < 16 ? 127f : 254f).ToArray()).reshape(1, 32);
        using var view = BlockScaleView.Of(x, IntFormat.PerGroup(8, 16))!;
        Assert.Equal([1.0, 2.0], Doubles(view.ScaleInv.reshape(-1)));
        Assert.Null(view.AtLimit);
        using var q = x.clone();
        var raw = Doubles(BlockScaleStats.Compute(view, q));
        Assert.Equal(2, raw[0]);
        Assert.True(double.IsNaN(raw[4])); // INT: no scale limit
        Assert.Equal(0, raw[5]);
    }

    [Fact]
    public void DynamicRange_SmallestNonzeroAndLog2Difference()
    {
        using var x = tensor(new[] { 0f, -0.25f, 8f, 1f });
        Assert.Equal(0.25, Doubles(RangeStats.SmallestNonzero(x)).Single());
        Assert.Equal(5.0, RangeStats.DynamicRange(8, 0.25));
        using var none = zeros(4);
        Assert.Equal(double.PositiveInfinity, Doubles(RangeStats.SmallestNonzero(none)).Single());
        Assert.True(double.IsNaN(RangeStats.DynamicRange(0, double.PositiveInfinity)));
    }

    [Fact]
    public void QuantLinear_StatsStep_DynamicRangeOnEveryRole_HistogramSumsToOne()
    {
        using var layer = new QuantLinear("fc", 32, 32, false, new DelayedScalingRecipe(), new BlockScalingRecipe { Format = FormatName.Parse("nvfp4") });
        using (no_grad()) layer.Weight.copy_(arange(32 * 32, dtype: ScalarType.Float32).reshape(32, 32).sub(512f).div(64f));
        using var x = tensor(new[] { 0.5f, 2f }.Concat(Enumerable.Repeat(1f, 62)).ToArray()).reshape(2, 32);
        using var y = layer.forward(x);
        using var stats = layer.Probe.Stats;
        float At(string role, string metric) => stats[LayerStatsLayout.RoleIndex(role), LayerStatsLayout.MetricIndex(metric)].item<float>();
        Assert.Equal(2f, At(TensorRoles.Input, MetricCatalog.DynamicRange)); // 2 / 0.5
        Assert.Equal((float)(Math.Log2(8) - Math.Log2(1.0 / 64)), At(TensorRoles.Weight, MetricCatalog.DynamicRange)); // amax 512/64, smallest 1/64
        foreach (var role in new[] { TensorRoles.Input, TensorRoles.Weight })
            Assert.Equal(1.0, MagnitudeBins.AllMetrics.Select(m => (double)At(role, m)).Where(v => !double.IsNaN(v)).Sum(), 6);
        Assert.True(float.IsNaN(At(TensorRoles.Input, MetricCatalog.ScaleStd))); // E4M3 per tensor: no blocks
        Assert.False(float.IsNaN(At(TensorRoles.Weight, MetricCatalog.ScaleStd)));
        Assert.True(float.IsNaN(At(TensorRoles.Weight, "magHist.e3"))); // NVFP4's bins stop at e2
    }
}
