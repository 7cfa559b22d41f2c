using QuantScope.Engine.Numerics.Cpu;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics.Cpu;

public class NvFp4TileKernelTests
{
    public static TheoryData<long[], double, int> Cases => new()
    {
        { [16, 16], 4, 1 },
        { [32, 64], 8, 2 },
        { [2, 16, 48], 20, 3 },   // rows = every leading dim together
        { [512, 1024], 6, 4 },    // 2^19 values: several parts when libtorch has more than one thread
        { [48, 4096], 40, 5 },    // wide range: most tiles' E4M3 scales underflow to 0 or sit at the bottom
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void QuantizeDequantize_RandomTilesAndSpecials_EqualsTensorOpsBitForBit(long[] shape, double range, int seed)
    {
        using var scope = NewDisposeScope();
        var x = BlockInputs.Make(shape, NvFp4TileFormat.TileSize, range, seed);
        Assert.True(NvFp4TileKernel.Applies(x));
        BlockInputs.AssertBitEqual(x, NvFp4TileFormat.QuantizeDequantizeByTensorOps(x), NvFp4TileFormat.Instance.QuantizeDequantize(x));
    }

    [Theory]
    [InlineData(0f)]               // all zero: s_global 1, every tile 0
    [InlineData(1e-45f)]           // amax the smallest subnormal: 2688 / amax overflows to inf
    [InlineData(float.MaxValue)]   // huge amax: s_global tiny, most tiles scale to 0
    public void QuantizeDequantize_ExtremeTensorAmax_EqualsTensorOpsBitForBit(float extreme)
    {
        using var scope = NewDisposeScope();
        var x = BlockInputs.Make([32, 64], NvFp4TileFormat.TileSize, 3, 7, specials: false).mul_(extreme == 0f ? 0f : extreme / 64f);
        CpuKernel.Floats(x)[100] = extreme;
        BlockInputs.AssertBitEqual(x, NvFp4TileFormat.QuantizeDequantizeByTensorOps(x), NvFp4TileFormat.Instance.QuantizeDequantize(x));
    }

    [Fact]
    public void QuantizeDequantize_RowsNotMultipleOf16_RefusedOnTheKernelRouteToo()
    {
        using var x = zeros(24, 32);
        Assert.True(NvFp4TileKernel.Applies(x));
        Assert.Throws<ArgumentException>(() => NvFp4TileFormat.Instance.QuantizeDequantize(x));
    }
}
