using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics;

public class NvFp4FormatTests
{
    [Fact]
    public void QuantizeDequantize_FourBlocks_MatchHandComputedValues()
    {
        var d = new float[64];
        d[0] = 2688f; d[1] = 1000f;           // amax 2688 = 448·6 -> s_global 1; block scale E4M3(448) = 448; 1000/448 = 2.23 -> 2 -> 896
        d[16] = 6f; d[17] = 5f; d[18] = 2.5f; // block scale E4M3(1) = 1: E2M1 ties to even 6, 4, 2
        d[32] = 7f; d[33] = 3.375f;           // 7/6 = 1.1667 -> E4M3 1.125; 7/1.125 = 6.2 -> 6 -> 6.75; 3.375/1.125 = 3 -> 3.375
        d[34] = float.NaN;                    // block 3 (48..63) all zero
        using var x = tensor(d).reshape(2, 32);
        using var q = NvFp4Format.Instance.QuantizeDequantize(x);
        var r = TensorAssert.Floats(q);
        var e = new float[64];
        e[0] = 2688f; e[1] = 896f; e[16] = 6f; e[17] = 4f; e[18] = 2f; e[32] = 6.75f; e[33] = 3.375f; e[34] = float.NaN;
        for (var i = 0; i < 64; i++) TensorAssert.BitEqual(e[i], r[i], $"nvfp4[{i}]");
    }

    [Fact]
    public void QuantizeDequantize_AllZero_GivesZeros()
    {
        using var q = NvFp4Format.Instance.QuantizeDequantize(zeros(32));
        Assert.All(TensorAssert.Floats(q), v => Assert.Equal(0f, v));
    }
}
