using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics.Cpu;

/// <summary>
/// Lane helpers shared by the block-format kernels (<see cref="NvFp4Kernel"/>, <see cref="MxKernel"/>, ...): finite
/// magnitudes as <see cref="FiniteMagnitude"/> takes them (NaN and ±inf count as 0, so one NaN stays local and ±inf
/// saturate), a block's maximum broadcast to every lane, and the tensor-wide finite maximum. Maxima are exact, so their
/// order (lanes, parts) does not change a bit.
/// </summary>
internal static class BlockLanes
{
    private static readonly Vector<float> Infinity = new(float.PositiveInfinity);

    /// <summary>|x| where finite, else 0 (NaN compares false, so NaN lanes become 0 too).</summary>
    public static Vector<float> FiniteAbs(Vector<float> x)
    {
        var a = Vector.Abs(x);
        return Vector.ConditionalSelect(Vector.LessThan(a, Infinity), a, Vector<float>.Zero);
    }

    /// <summary>
    /// The largest lane of <paramref name="v"/> in every lane; lanes must be non-negative and not NaN (finite
    /// magnitudes), so the order of the comparisons does not matter. Shuffles for 256-bit vectors (AVX2, the .NET
    /// default even with AVX-512), lane by lane otherwise.
    /// </summary>
    public static Vector<float> MaxAcross(Vector<float> v)
    {
        if (Vector<float>.Count == 8)
        {
            var wide = v.AsVector256();
            var m = Vector128.MaxNative(wide.GetLower(), wide.GetUpper());
            m = Vector128.MaxNative(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
            m = Vector128.MaxNative(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
            return Vector256.Create(m, m).AsVector();
        }

        var max = 0f;
        for (var i = 0; i < Vector<float>.Count; i++) max = MathF.Max(max, v[i]);
        return new Vector<float>(max);
    }

    /// <summary>
    /// Lane k: the largest lane of m_k, for eight vectors of eight non-negative, non-NaN lanes (AVX only): a transposing
    /// reduction of 21 instructions, where eight <see cref="MaxAcross"/> take 56 and leave each maximum in its own vector.
    /// </summary>
    public static Vector256<float> MaxOfEach(
        Vector256<float> m0, Vector256<float> m1, Vector256<float> m2, Vector256<float> m3,
        Vector256<float> m4, Vector256<float> m5, Vector256<float> m6, Vector256<float> m7)
    {
        var low = Quad(Pair(m0, m1), Pair(m2, m3)); // per 128-bit half: the half's maxima of m0..m3
        var high = Quad(Pair(m4, m5), Pair(m6, m7));
        return Avx.Max(Avx.Permute2x128(low, high, 0x20), Avx.Permute2x128(low, high, 0x31)); // both halves together

        // per half: [a0|a2, b0|b2, a1|a3, b1|b3] (| = max)
        static Vector256<float> Pair(Vector256<float> a, Vector256<float> b) => Avx.Max(Avx.UnpackLow(a, b), Avx.UnpackHigh(a, b));

        // per half: [p0|p2, p1|p3, q0|q2, q1|q3], so the maxima of the pairs' four vectors in order
        static Vector256<float> Quad(Vector256<float> p, Vector256<float> q) => Avx.Max(Avx.Shuffle(p, q, 0b01_00_01_00), Avx.Shuffle(p, q, 0b11_10_11_10));
    }

    /// <summary>Largest finite |x| in <paramref name="values"/> (0 when there is none).</summary>
    public static float FiniteMax(ReadOnlySpan<float> values)
    {
        var width = Vector<float>.Count;
        var whole = values.Length - values.Length % width;
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values[..whole]);
        var m = Vector<float>.Zero;
        for (var i = 0; i < vectors.Length; i++) m = Vector.MaxNative(m, FiniteAbs(vectors[i]));
        var max = MaxAcross(m)[0];
        foreach (var x in values[whole..])
            if (float.IsFinite(x)) max = MathF.Max(max, MathF.Abs(x));
        return max;
    }

    /// <summary>Largest finite |x| of a tensor where <see cref="CpuKernel.Applies"/>, in parallel parts.</summary>
    public static float FiniteMax(Tensor x)
    {
        var count = x.numel();
        var parts = CpuKernel.Parts(count);
        var maxima = new float[parts];
        CpuKernel.For(count, parts, (part, start, length) => maxima[part] = FiniteMax(CpuKernel.Floats(x).Slice(start, length)));
        return maxima.Max();
    }

    /// <summary>True when a block of <paramref name="blockSize"/> floats is a whole number of vectors.</summary>
    public static bool WholeVectors(int blockSize) => blockSize % Vector<float>.Count == 0;
}
