using System.Numerics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics.Cpu;

/// <summary>
/// <see cref="NvFp4Format"/>'s quantize-dequantize as two passes over a CPU float32 tensor's memory
/// (<see cref="CpuKernel"/>): pass 1 the tensor's largest finite magnitude (s_global); pass 2 block by block of 16
/// values, all in registers: the block's finite amax, its E4M3 scale, the elements scaled, rounded onto E2M1 and
/// dequantized (on AVX2 eight blocks at a time, <see cref="NvFp4EightsKernel"/>). Each lane takes the tensor-op
/// route's float32 operations in the same order (amax / 6 · s_global, then x · s_global / scale, then
/// q · scale / s_global: divisions stay divisions), so the results are the same bit for bit (tested; NaN payloads
/// aside). The tensor-op route does a dozen elementwise passes with temporaries instead.
/// Measured (issue 25, 4 M values, shared 2-core machine): see <see cref="NvFp4Format"/>.
/// </summary>
internal static class NvFp4Kernel
{
    /// <summary>s_global's numerator, 448 · 6 (E4M3 max times E2M1 max).</summary>
    private const float E4M3TimesE2M1Max = 448f * 6f;

    private static readonly FloatGridKernel.Grid E4M3 = new(FloatFormat.E4M3.MantissaBits, FloatFormat.E4M3.MinNormalExponent, (float)FloatFormat.E4M3.MaxValue);
    private static readonly FloatGridKernel.Grid E2M1 = new(FloatFormat.E2M1.MantissaBits, FloatFormat.E2M1.MinNormalExponent, (float)FloatFormat.E2M1.MaxValue);

    /// <summary>True when <paramref name="x"/> can take the kernel: <see cref="CpuKernel.Applies"/>, not empty, and a
    /// block of <paramref name="blockSize"/> values is a whole number of vectors.</summary>
    public static bool Applies(Tensor x, int blockSize) => CpuKernel.Applies(x) && x.numel() > 0 && BlockLanes.WholeVectors(blockSize);

    /// <summary>s_global = 448·6 / amax in float32 (1 when amax is 0), as the tensor-op route computes it.</summary>
    public static float GlobalScale(float amax) => amax == 0f ? 1f : E4M3TimesE2M1Max / amax;

    /// <summary>
    /// A new tensor: NVFP4 quantize-dequantize of <paramref name="x"/> (where <see cref="Applies"/> holds for 16; the
    /// caller has checked that the last dim is a multiple of 16, so the flat 16-value runs are the blocks).
    /// </summary>
    public static Tensor QuantizeDequantize(Tensor x)
    {
        if (NvFp4EightsKernel.Applies) return NvFp4EightsKernel.QuantizeDequantize(x);
        var sGlobal = GlobalScale(BlockLanes.FiniteMax(x));
        var result = empty_like(x);
        var count = x.numel();
        CpuKernel.For(count, CpuKernel.Parts(count), (_, start, length) =>
            Blocks(CpuKernel.Floats(x).Slice(start, length), CpuKernel.Floats(result).Slice(start, length), NvFp4Format.BlockSize, sGlobal));
        return result;
    }

    /// <summary>
    /// Quantize-dequantizes consecutive blocks of <paramref name="blockSize"/> values (a multiple of the vector width;
    /// the spans hold whole blocks) with the tensor's <paramref name="sGlobal"/>. Each block in one loop body, no calls.
    /// </summary>
    public static void Blocks(ReadOnlySpan<float> source, Span<float> destination, int blockSize, float sGlobal)
    {
        var sources = MemoryMarshal.Cast<float, Vector<float>>(source);
        var destinations = MemoryMarshal.Cast<float, Vector<float>>(destination);
        var perBlock = blockSize / Vector<float>.Count;
        var (s, six, e4m3, e2m1) = (new Vector<float>(sGlobal), new Vector<float>(6f), E4M3, E2M1);
        for (var b = 0; b < sources.Length; b += perBlock)
        {
            var m = BlockLanes.FiniteAbs(sources[b]);
            for (var j = 1; j < perBlock; j++) m = Vector.MaxNative(m, BlockLanes.FiniteAbs(sources[b + j]));
            var scale = e4m3.Round(BlockLanes.MaxAcross(m) / six * s); // E4M3(amax / 6 · s_global)
            var safe = Vector.ConditionalSelect(Vector.Equals(scale, Vector<float>.Zero), Vector<float>.One, scale); // 0 -> 1
            for (var j = 0; j < perBlock; j++) destinations[b + j] = e2m1.Round(sources[b + j] * s / safe) * scale / s; // two roundings each, in the recipe's order
        }
    }
}
