using QuantScope.Engine.Numerics.Cpu;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics.Cpu;

public class IntKernelTests
{
    public static TheoryData<string, long[], double, int> Cases()
    {
        var data = new TheoryData<string, long[], double, int>();
        foreach (var name in new[] { "int8-pt", "int4-pt", "int4-g128", "int8-g16", "int2-g1024", "int8", "int4" })
        {
            data.Add(name, [1024], 4, 1);
            data.Add(name, [3, 2048], 20, 2);
            data.Add(name, [256, 4096], 8, 3);  // 2^20 values: several parts when libtorch has more than one thread
            data.Add(name, [64, 1024], 140, 4); // float32 subnormals and overflow
        }

        data.Add("int8-pt", [3, 7], 2, 5);     // a tail shorter than a vector
        data.Add("int8", [5, 24], 2, 6);       // rows of three vectors
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void QuantizeDequantize_RandomGroupsAndSpecials_EqualsTensorOpsBitForBit(string name, long[] shape, double range, int seed)
    {
        var format = (IntFormat)NumberFormats.Get(name);
        using var scope = NewDisposeScope();
        var x = BlockInputs.Make(shape, (int)shape[^1], range, seed);
        Assert.True(IntKernel.Applies(x, format.Granularity, format.GroupSize));
        var reference = IntQuantizer.QuantizeDequantizeByTensorOps(x, format, format.Granularity, format.GroupSize);
        BlockInputs.AssertBitEqual(x, reference, format.QuantizeDequantize(x));
    }

    [Theory]
    [InlineData(0f)]             // all zero: scale 0, zeros
    [InlineData(1e-45f)]         // amax the smallest subnormal: scale underflows to 0
    [InlineData(float.MaxValue)] // huge amax: most values round to 0
    [InlineData(float.NaN)]      // no finite nonzero value but one NaN
    public void QuantizeDequantize_ExtremeAmax_EqualsTensorOpsBitForBit(float extreme)
    {
        using var scope = NewDisposeScope();
        foreach (var format in new[] { (IntFormat)NumberFormats.Get("int8-pt"), (IntFormat)NumberFormats.Get("int4-g128"), new IntFormat(8) })
        {
            var x = BlockInputs.Make([16, 256], 256, 3, 7, specials: false).mul_(extreme == 0f || float.IsNaN(extreme) ? 0f : extreme / 64f);
            CpuKernel.Floats(x)[5] = extreme;
            CpuKernel.Floats(x)[6] = -0f;
            var reference = IntQuantizer.QuantizeDequantizeByTensorOps(x, format, format.Granularity, format.GroupSize);
            BlockInputs.AssertBitEqual(x, reference, format.QuantizeDequantize(x));
        }
    }

    [Fact]
    public void QuantizeDequantize_TiesAtUnitScale_RoundHalfToEven()
    {
        // amax 127 -> scale 1: halves round to even, -0.5 to -0, beyond the range clamp.
        using var x = tensor(new[] { 127f, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 126.5f });
        using var q = new IntFormat(8) { Granularity = IntGranularity.PerTensor }.QuantizeDequantize(x);
        float[] expected = [127f, 0f, 2f, 2f, -0f, -2f, -2f, 126f];
        var actual = TensorAssert.Floats(q);
        for (var i = 0; i < expected.Length; i++) TensorAssert.BitEqual(expected[i], actual[i], $"[{i}]");
    }

    [Fact]
    public void Applies_RowsOfPartialVectorsOrZeroDim_TakeTensorOps()
    {
        using var rows = zeros(4, 20);
        using var scalar = tensor(3f);
        Assert.False(IntKernel.Applies(rows, IntGranularity.PerChannel, 0));
        Assert.False(IntKernel.Applies(scalar, IntGranularity.PerTensor, 0));
        using var q = new IntFormat(8).QuantizeDequantize(scalar);
        Assert.Equal(3f, TensorAssert.Scalar(q));
    }
}
