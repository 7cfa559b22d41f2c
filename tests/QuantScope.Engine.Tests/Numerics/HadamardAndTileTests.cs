using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics;

/// <summary>The random Hadamard transform and NVFP4's 16 x 16 tile scales, against exact expectations.</summary>
public sealed class HadamardAndTileTests
{
    [Fact]
    public void Hadamard_Matrix_IsOrthonormalExactly()
    {
        using var r = tensor(HadamardTransform.Matrix()).reshape(16, 16);
        using var product = r.matmul(r.t());
        Assert.Equal(TensorAssert.Floats(eye(16)), TensorAssert.Floats(product)); // entries ±1/4: every sum is exact
        Assert.All(HadamardTransform.Signs, s => Assert.True(s is 1f or -1f));
        Assert.Contains(-1f, HadamardTransform.Signs);
    }

    [Fact]
    public void Hadamard_InverseRestoresToFloat32RoundOff_AndKeepsTheNorm()
    {
        using var generator = new Generator(4, CPU);
        using var x = randn(new long[] { 3, 64 }, generator: generator).mul(100f);
        using var h = HadamardTransform.Apply(x);
        using var back = HadamardTransform.Inverse(h);
        var original = TensorAssert.Floats(x);
        var restored = TensorAssert.Floats(back);
        for (var i = 0; i < original.Length; i++) Assert.True(Math.Abs(restored[i] - original[i]) <= 4e-6 * 400, $"{i}: {restored[i]} vs {original[i]}");
        Assert.Equal(TensorAssert.Scalar(x.norm()), TensorAssert.Scalar(h.norm()), 2); // orthonormal: the norm stays
    }

    [Fact]
    public void Hadamard_OneOutlier_SpreadsOverItsBlock()
    {
        var values = new float[16];
        values[3] = 8f;
        using var x = tensor(values).reshape(1, 16);
        Assert.All(TensorAssert.Floats(HadamardTransform.Apply(x)), v => Assert.Equal(2f, Math.Abs(v))); // 8 · 1/4 everywhere
    }

    [Fact]
    public void HadamardFormat_NamedBySuffix_RoundTripsThroughTheInnerFormat()
    {
        Assert.True(NumberFormats.TryGet("nvfp4-rht", out var f));
        Assert.Equal("nvfp4-rht", f.Name);
        Assert.False(NumberFormats.TryGet("nvfp4-rht-rht", out _));
        Assert.DoesNotContain("nvfp4-rht", NumberFormats.Names);
        var rule = new QuantRule { Layer = "**", Role = TensorRole.Input, Format = FormatName.Parse("nvfp4"), Recipe = RecipeKind.Block, Hadamard = true };
        Assert.Equal("nvfp4-rht", rule.BuildRecipe(rule.Format)!.Format.Name);
        // Values already on NVFP4's grid after the transform come back exactly: H(x) = 2 everywhere is on the grid.
        var values = new float[16];
        values[3] = 8f;
        using var x = tensor(values).reshape(1, 16);
        var q = TensorAssert.Floats(f.QuantizeDequantize(x));
        for (var i = 0; i < 16; i++) Assert.Equal(values[i], q[i], 5);
        Assert.Equal("whatIf.nvfp4-rht.sqnrDb", WhatIfStats.MetricName(f.Name, MetricCatalog.SqnrDb));
        Assert.True(MetricCatalog.TryGet("whatIf.nvfp4-rht.sqnrDb", out _));
    }

    // A 32 x 32 weight, four tiles: amax 6 (tile 0,0), 3 (tile 0,1), 1.5 (tile 1,0), all zero (tile 1,1).
    // s_global = 448·6 / 6 = 448; tile scales E4M3(amax / 6 · 448) = 448, 224, 112, 0; scale_inv = tile scale / 448.
    [Fact]
    public void TileScales_HandComputed32x32()
    {
        var w = new float[32 * 32];
        w[0 * 32 + 0] = 6f; // tile (0, 0)
        w[5 * 32 + 2] = 0.3f; // tile (0, 0), alone in its row's 1 x 16 block
        w[1 * 32 + 20] = 3f; // tile (0, 1)
        w[17 * 32 + 4] = -1.5f; // tile (1, 0)
        using var x = tensor(w).reshape(32, 32);
        using var view = BlockScaleView.Of(x, NvFp4TileFormat.Instance)!;
        Assert.Equal([1.0, 0.5, 0.25, 0.0], view.ScaleInv.reshape(-1).data<double>().ToArray());
        Assert.Equal([true, false, false, true], view.AtLimit!.reshape(-1).data<bool>().ToArray()); // 448 = max, 0 = below 2^-9

        var q = TensorAssert.Floats(NvFp4TileFormat.Instance.QuantizeDequantize(x));
        Assert.Equal(6f, q[0]);
        Assert.Equal(3f, q[1 * 32 + 20]); // 3 · 448 / 224 = 6 on the grid, back to 3
        Assert.Equal(-1.5f, q[17 * 32 + 4]);
        Assert.Equal(0.5f, q[5 * 32 + 2]); // the tile's scale: 0.3 · 448 / 448 = 0.3 -> E2M1 0.5
        // 1 x 16 blocks give 0.3 a block of its own: scale E4M3(0.3 / 6 · 448 = 22.4) = 22, 0.3 · 448 / 22 -> 6, back to 6 · 22 / 448.
        Assert.Equal(6f * 22f / 448f, TensorAssert.Floats(NvFp4Format.Instance.QuantizeDequantize(x))[5 * 32 + 2]);
        Assert.Equal(0f, q.Where((_, i) => i is not (0 or 5 * 32 + 2 or 1 * 32 + 20 or 17 * 32 + 4)).Sum(MathF.Abs));
    }

    [Fact]
    public void TileFormat_RowsNotMultipleOf16_Refused()
    {
        using var x = zeros(8, 32);
        Assert.Throws<ArgumentException>(() => NvFp4TileFormat.Instance.QuantizeDequantize(x));
    }
}
