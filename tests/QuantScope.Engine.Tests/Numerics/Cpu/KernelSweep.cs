using QuantScope.Engine.Numerics.Cpu;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics.Cpu;

/// <summary>Inputs and comparisons shared by the kernel tests.</summary>
internal static class KernelSweep
{
    /// <summary>The float32 values of bit patterns 0, stride, 2·stride, ... over all 2^32 (from -2^31 as int32).</summary>
    public static Tensor EveryFloat32PatternStride(long stride)
    {
        using var bits = arange(0L, 1L << 32, stride, dtype: ScalarType.Int64).sub_(1L << 31).to(ScalarType.Int32);
        var floats = empty(bits.shape, dtype: ScalarType.Float32);
        CpuKernel.Floats(bits).CopyTo(CpuKernel.Floats(floats)); // int32 and float32: both 4 bytes, copied as bits
        return floats;
    }

    /// <summary>True when both tensors hold the same bits, except that NaN lanes may differ in payload.</summary>
    public static bool SameExceptNaNPayload(Tensor expected, Tensor actual)
    {
        var e = CpuKernel.Floats(expected);
        var a = CpuKernel.Floats(actual);
        if (e.Length != a.Length) return false;
        for (var i = 0; i < e.Length; i++)
        {
            if (float.IsNaN(e[i]) && float.IsNaN(a[i])) continue;
            if (BitConverter.SingleToInt32Bits(e[i]) != BitConverter.SingleToInt32Bits(a[i])) return false;
        }

        return true;
    }
}
