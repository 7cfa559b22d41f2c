using QuantScope.Engine.Numerics.Cpu;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics.Cpu;

public class NvFp4KernelTests
{
    public static TheoryData<long[], double, int> Cases => new()
    {
        { [16], 4, 1 },
        { [64, 16], 8, 2 },
        { [3, 5, 32], 20, 3 },
        { [128, 4096], 6, 4 },   // 2^19 values: several parts when libtorch has more than one thread
        { [1024, 2048], 40, 5 }, // wide range: most blocks' E4M3 scales underflow to 0 or sit at the bottom
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void QuantizeDequantize_RandomBlocksAndSpecials_EqualsTensorOpsBitForBit(long[] shape, double range, int seed)
    {
        using var scope = NewDisposeScope();
        var x = BlockInputs.Make(shape, NvFp4Format.BlockSize, range, seed);
        Assert.True(NvFp4Kernel.Applies(x, NvFp4Format.BlockSize));
        BlockInputs.AssertBitEqual(x, NvFp4Format.QuantizeDequantizeByTensorOps(x), NvFp4Format.Instance.QuantizeDequantize(x));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Blocks_OneBlockAtATime_EqualsTensorOpsBitForBit(long[] shape, double range, int seed)
    {
        // The route of machines without AVX2 (or with wider vectors); here the kernel takes it only for a tail of fewer
        // than eight blocks.
        using var scope = NewDisposeScope();
        var x = BlockInputs.Make(shape, NvFp4Format.BlockSize, range, seed);
        var result = empty_like(x);
        NvFp4Kernel.Blocks(CpuKernel.Floats(x), CpuKernel.Floats(result), NvFp4Format.BlockSize, NvFp4Kernel.GlobalScale(BlockLanes.FiniteMax(x)));
        BlockInputs.AssertBitEqual(x, NvFp4Format.QuantizeDequantizeByTensorOps(x), result);
    }

    [Theory]
    [InlineData(0f)]               // all zero: s_global 1, every block 0
    [InlineData(1e-45f)]           // amax the smallest subnormal: 2688 / amax overflows to inf
    [InlineData(3e-39f)]           // subnormal amax, s_global finite
    [InlineData(float.MaxValue)]   // huge amax: s_global tiny, most blocks scale to 0
    [InlineData(float.NaN)]        // no finite value but one NaN: amax 0
    public void QuantizeDequantize_ExtremeTensorAmax_EqualsTensorOpsBitForBit(float extreme)
    {
        using var scope = NewDisposeScope();
        var x = BlockInputs.Make([32, 64], NvFp4Format.BlockSize, 3, 7, specials: false).mul_(extreme == 0f || float.IsNaN(extreme) ? 0f : extreme / 64f);
        CpuKernel.Floats(x)[5] = extreme;
        BlockInputs.AssertBitEqual(x, NvFp4Format.QuantizeDequantizeByTensorOps(x), NvFp4Format.Instance.QuantizeDequantize(x));
    }

    [Fact]
    public void QuantizeDequantize_E2M1TiesAtUnitScale_RoundToEvenAsTensorOps()
    {
        // amax 2688 -> s_global 1; a block with amax 6 has E4M3 scale 1, so its elements are E2M1 values and midpoints.
        using var scope = NewDisposeScope();
        float[] ties = [6f, 0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5f, -0.25f, -0.75f, -1.25f, -1.75f, -2.5f, -3.5f, -5f, -6f];
        var x = cat([tensor(ties), zeros(15), tensor(new[] { 2688f })]).reshape(2, 16);
        var q = NvFp4Format.Instance.QuantizeDequantize(x);
        float[] expected = [6f, 0f, 1f, 1f, 2f, 2f, 4f, 4f, -0f, -1f, -1f, -2f, -2f, -4f, -4f, -6f];
        var actual = TensorAssert.Floats(q);
        for (var i = 0; i < 16; i++) TensorAssert.BitEqual(expected[i], actual[i], $"tie {ties[i]}");
        BlockInputs.AssertBitEqual(x, NvFp4Format.QuantizeDequantizeByTensorOps(x), q);
    }

    [Fact]
    public void QuantizeDequantize_NearTiesAtOddScales_EqualsTensorOpsBitForBit()
    {
        // s_global and the block scale not powers of two: elements m · scale / s_global for every E2M1 midpoint m and
        // their float32 neighbours, where x · s_global / scale rounded twice (the recipe's order) and once differ.
        using var scope = NewDisposeScope();
        const float tensorAmax = 3.7f, blockAmax = 1.3f;
        var sGlobal = 2688f / tensorAmax;
        using var raw = tensor(new[] { blockAmax / 6f * sGlobal });
        using var rounded = FloatQuantizer.Quantize(raw, FloatFormat.E4M3);
        var scale = TensorAssert.Scalar(rounded);
        var values = new List<float> { tensorAmax };
        values.AddRange(Enumerable.Repeat(0f, 15));
        var near = new List<float>();
        foreach (var m in new[] { 0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5f })
        {
            var v = m * scale / sGlobal;
            for (var k = -2; k <= 2; k++)
            {
                var w = v;
                for (var step = 0; step < Math.Abs(k); step++) w = k < 0 ? MathF.BitDecrement(w) : MathF.BitIncrement(w);
                near.Add(w);
                near.Add(-w);
            }
        }

        foreach (var chunk in near.Chunk(15))
        {
            values.Add(blockAmax);
            values.AddRange(chunk);
            values.AddRange(Enumerable.Repeat(0f, 15 - chunk.Length));
        }

        var x = tensor(values.ToArray()).reshape(-1, 16);
        BlockInputs.AssertBitEqual(x, NvFp4Format.QuantizeDequantizeByTensorOps(x), NvFp4Format.Instance.QuantizeDequantize(x));
    }

    [Fact]
    public void QuantizeDequantize_NonContiguousOrDouble_TakesTensorOps()
    {
        using var scope = NewDisposeScope();
        var x = BlockInputs.Make([32, 64], NvFp4Format.BlockSize, 3, 8);
        Assert.False(NvFp4Kernel.Applies(x.t(), NvFp4Format.BlockSize));
        Assert.False(NvFp4Kernel.Applies(x.to(ScalarType.Float64), NvFp4Format.BlockSize));
        BlockInputs.AssertBitEqual(x, NvFp4Format.Instance.QuantizeDequantize(x), NvFp4Format.Instance.QuantizeDequantize(x.to(ScalarType.Float64)).to(ScalarType.Float32));
    }
}
