using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics.Cpu;

/// <summary>
/// <see cref="MxFormat"/>'s float32 quantize-dequantize as one pass over a CPU float32 tensor's memory
/// (<see cref="CpuKernel"/>), block by block in registers: the block's finite amax, 2^-sharedExp from it by the same
/// float32 operations as the tensor-op route (<see cref="FloatGrid.ScaledUfp"/>, times 2^(24 - emax), reciprocal),
/// the elements times it, rounded onto the element grid (<see cref="FloatGridKernel.Grid"/>) and divided by it (on AVX2
/// eight blocks at a time, <see cref="BlocksInEights"/>). Every
/// step is the tensor-op route's, lane for lane, so the results are the same bit for bit (tested; NaN payloads aside).
/// </summary>
internal sealed class MxKernel
{
    /// <summary>φ = 2^23 + 1, Rump's ufp factor (see <see cref="FloatGrid"/>).</summary>
    private const double Phi = 8388609.0;

    private readonly Vector<float> _phi, _low, _high, _oneMinusU, _shift;
    private readonly FloatGridKernel.Grid _element;
    private readonly int _blockSize;

    /// <summary>The kernel for an MX format's <paramref name="element"/> grid and <paramref name="blockSize"/>.</summary>
    public MxKernel(FloatFormat element, int blockSize)
    {
        var emax = element.MaxExponent;
        var phi = Phi * Math.Pow(2, -24); // ScaledUfp's constants with k = -24, floor 2^(emax - 127), ceiling 2^127: all exact in float32
        _phi = new Vector<float>((float)phi);
        _low = new Vector<float>((float)(phi * Math.Pow(2, emax - 127)));
        _high = new Vector<float>((float)(phi * Math.Pow(2, 127)));
        _oneMinusU = new Vector<float>((float)(1.0 - Math.Pow(2, -24)));
        _shift = new Vector<float>((float)Math.Pow(2, 24 - emax));
        _element = new FloatGridKernel.Grid(element);
        _blockSize = blockSize;
    }

    /// <summary>True when <paramref name="x"/> can take the kernel: <see cref="CpuKernel.Applies"/>, not empty, and a
    /// block is a whole number of vectors (the caller checks that the last dim is a multiple of the block size).</summary>
    public bool Applies(Tensor x) => CpuKernel.Applies(x) && x.numel() > 0 && BlockLanes.WholeVectors(_blockSize);

    /// <summary>A new tensor: <paramref name="x"/> (where <see cref="Applies"/>) quantize-dequantized.</summary>
    public Tensor QuantizeDequantize(Tensor x)
    {
        var result = empty_like(x);
        var count = x.numel();
        var eights = EightsApply;
        CpuKernel.For(count, CpuKernel.Parts(count), (_, start, length) =>
        {
            var source = CpuKernel.Floats(x).Slice(start, length);
            var destination = CpuKernel.Floats(result).Slice(start, length);
            if (eights) BlocksInEights(source, destination);
            else Blocks(source, destination);
        });
        return result;
    }

    /// <summary>True where <see cref="BlocksInEights"/> runs: AVX2, 256-bit <see cref="Vector{T}"/>, 32-value blocks.</summary>
    public bool EightsApply => Avx2.IsSupported && Vector<float>.Count == 8 && _blockSize == 32;

    /// <summary>
    /// <see cref="Blocks"/> eight 32-value blocks at a time (where <see cref="EightsApply"/>): the eight block maxima
    /// in one vector (<see cref="BlockLanes.MaxOfEach"/>), their 2^-sharedExp computed together and broadcast per
    /// block; the same operations per lane, fewer of them. A tail of fewer than eight blocks goes through
    /// <see cref="Blocks"/>.
    /// </summary>
    public void BlocksInEights(ReadOnlySpan<float> source, Span<float> destination)
    {
        const int group = 8 * 32;
        var whole = source.Length - source.Length % group;
        var sources = MemoryMarshal.Cast<float, Vector<float>>(source[..whole]);
        var destinations = MemoryMarshal.Cast<float, Vector<float>>(destination[..whole]);
        var element = _element;
        for (var g = 0; g < sources.Length; g += 32)
        {
            var block = sources.Slice(g, 32);
            var output = destinations.Slice(g, 32);
            var inverses = InverseScale(BlockLanes.MaxOfEach(
                Four(block[..4]), Four(block[4..8]), Four(block[8..12]), Four(block[12..16]),
                Four(block[16..20]), Four(block[20..24]), Four(block[24..28]), Four(block[28..])).AsVector()).AsVector256();
            for (var k = 0; k < 8; k++)
            {
                var inverse = Avx2.PermuteVar8x32(inverses, Vector256.Create(k)).AsVector();
                for (var j = 4 * k; j < 4 * k + 4; j++) output[j] = element.Round(block[j] * inverse) / inverse;
            }
        }

        if (whole < source.Length) Blocks(source[whole..], destination[whole..]);

        static Vector256<float> Four(ReadOnlySpan<Vector<float>> v) => Vector.MaxNative(
            Vector.MaxNative(BlockLanes.FiniteAbs(v[0]), BlockLanes.FiniteAbs(v[1])),
            Vector.MaxNative(BlockLanes.FiniteAbs(v[2]), BlockLanes.FiniteAbs(v[3]))).AsVector256();
    }

    /// <summary>Quantize-dequantizes consecutive whole blocks of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public void Blocks(ReadOnlySpan<float> source, Span<float> destination)
    {
        var sources = MemoryMarshal.Cast<float, Vector<float>>(source);
        var destinations = MemoryMarshal.Cast<float, Vector<float>>(destination);
        var perBlock = _blockSize / Vector<float>.Count;
        for (var b = 0; b < sources.Length; b += perBlock)
        {
            var block = sources.Slice(b, perBlock);
            var output = destinations.Slice(b, perBlock);
            var m = BlockLanes.FiniteAbs(block[0]);
            for (var j = 1; j < perBlock; j++) m = Vector.MaxNative(m, BlockLanes.FiniteAbs(block[j]));
            var inverse = InverseScale(BlockLanes.MaxAcross(m));
            for (var j = 0; j < perBlock; j++) output[j] = _element.Round(block[j] * inverse) / inverse;
        }
    }

    /// <summary>
    /// 2^-sharedExp from the block amax, as MxFormat's float32 route: q = clamp(fl(φ·2^-24·amax), low, high),
    /// ufp = q - fl((1 - 2^-24)·q), times 2^(24 - emax), reciprocal (each step exact).
    /// </summary>
    private Vector<float> InverseScale(Vector<float> amax)
    {
        var q = Vector.Min(Vector.Max(amax * _phi, _low), _high);
        var ufp = q - q * _oneMinusU;
        return Vector<float>.One / (ufp * _shift);
    }
}
