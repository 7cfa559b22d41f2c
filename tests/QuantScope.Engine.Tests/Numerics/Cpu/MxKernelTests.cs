using QuantScope.Engine.Numerics.Cpu;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics.Cpu;

public class MxKernelTests
{
    public static TheoryData<string, long[], double, int> Cases()
    {
        var data = new TheoryData<string, long[], double, int>();
        foreach (var name in new[] { "mxfp8-e4m3", "mxfp8-e5m2", "mxfp4" })
        {
            data.Add(name, [32], 4, 1);
            data.Add(name, [3, 5, 64], 20, 2);  // 960 values: three groups of eight blocks and a tail of six

            data.Add(name, [128, 4096], 8, 3);  // 2^19 values: several parts when libtorch has more than one thread
            data.Add(name, [256, 1024], 140, 4); // scales at the E8M0 limits, float32 subnormals and overflow
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void QuantizeDequantize_RandomBlocksAndSpecials_EqualsTensorOpsBitForBit(string name, long[] shape, double range, int seed)
    {
        var format = (MxFormat)NumberFormats.Get(name);
        using var scope = NewDisposeScope();
        var x = BlockInputs.Make(shape, format.BlockSize, range, seed);
        Assert.True(new MxKernel(format.Element, format.BlockSize).Applies(x));
        BlockInputs.AssertBitEqual(x, format.QuantizeFloat32ByTensorOps(x), format.QuantizeDequantize(x));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Blocks_OneBlockAtATime_EqualsTensorOpsBitForBit(string name, long[] shape, double range, int seed)
    {
        // The route of machines without AVX2 (or with wider vectors); on AVX2 the kernel takes it only for tails.
        var format = (MxFormat)NumberFormats.Get(name);
        using var scope = NewDisposeScope();
        var x = BlockInputs.Make(shape, format.BlockSize, range, seed);
        var result = empty_like(x);
        new MxKernel(format.Element, format.BlockSize).Blocks(CpuKernel.Floats(x), CpuKernel.Floats(result));
        BlockInputs.AssertBitEqual(x, format.QuantizeFloat32ByTensorOps(x), result);
    }

    [Theory]
    [InlineData("mxfp8-e4m3")]
    [InlineData("mxfp4")]
    public void QuantizeDequantize_Kernel_EqualsFloat64Route(string name)
    {
        // The float64 route is MX's exact reference: the kernel must agree with it on float32 input too.
        var format = (MxFormat)NumberFormats.Get(name);
        using var scope = NewDisposeScope();
        var x = BlockInputs.Make([64, 256], format.BlockSize, 60, 9);
        var viaFloat64 = format.QuantizeDequantize(x.to(ScalarType.Float64)).to(ScalarType.Float32);
        BlockInputs.AssertBitEqual(x, viaFloat64, format.QuantizeDequantize(x));
    }
}
