using System.Numerics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics.Cpu;

/// <summary>
/// <see cref="NvFp4TileFormat"/>'s quantize-dequantize as two passes over a CPU float32 tensor's memory, viewed as
/// [rows, columns] (<see cref="CpuKernel"/>): pass 1 the tensor's largest finite magnitude (s_global); pass 2 band by
/// band of 16 rows, tile by tile of 16 columns: the tile's finite amax, its E4M3 scale, the 256 elements scaled,
/// rounded onto E2M1 and dequantized, in place of the tensor-op route's tile permutes (two copies) and dozen passes.
/// The same float32 operations per lane as <see cref="NvFp4Kernel"/> and the tensor-op route, so the results are the
/// same bit for bit (tested; NaN payloads aside).
/// </summary>
internal static class NvFp4TileKernel
{
    private const int Tile = NvFp4TileFormat.TileSize;

    private static readonly FloatGridKernel.Grid E4M3 = new(FloatFormat.E4M3.MantissaBits, FloatFormat.E4M3.MinNormalExponent, (float)FloatFormat.E4M3.MaxValue);
    private static readonly FloatGridKernel.Grid E2M1 = new(FloatFormat.E2M1.MantissaBits, FloatFormat.E2M1.MinNormalExponent, (float)FloatFormat.E2M1.MaxValue);

    /// <summary>True when <paramref name="x"/> can take the kernel: <see cref="CpuKernel.Applies"/>, not empty, and a
    /// tile row is a whole number of vectors (the caller checks that rows and columns are multiples of 16).</summary>
    public static bool Applies(Tensor x) => CpuKernel.Applies(x) && x.numel() > 0 && BlockLanes.WholeVectors(Tile);

    /// <summary>A new tensor: <paramref name="x"/> (where <see cref="Applies"/>) quantize-dequantized in 16 × 16 tiles
    /// of [numel / last dim, last dim].</summary>
    public static Tensor QuantizeDequantize(Tensor x)
    {
        var sGlobal = NvFp4Kernel.GlobalScale(BlockLanes.FiniteMax(x));
        var result = empty_like(x);
        var count = x.numel();
        var columns = (int)x.shape[^1];
        var bands = (int)(count / columns / Tile);
        var parts = Math.Min(CpuKernel.Parts(count), bands);
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            var (first, end) = (bands * part / parts, bands * (part + 1) / parts);
            var band = Tile * columns;
            var source = CpuKernel.Floats(x).Slice(first * band, (end - first) * band);
            var destination = CpuKernel.Floats(result).Slice(first * band, (end - first) * band);
            for (var b = 0; b < end - first; b++) Band(source.Slice(b * band, band), destination.Slice(b * band, band), columns, sGlobal);
        });
        return result;
    }

    /// <summary>One band of 16 rows of <paramref name="columns"/> values, tile by tile.</summary>
    public static void Band(ReadOnlySpan<float> source, Span<float> destination, int columns, float sGlobal)
    {
        var sources = MemoryMarshal.Cast<float, Vector<float>>(source);
        var destinations = MemoryMarshal.Cast<float, Vector<float>>(destination);
        var perRow = Tile / Vector<float>.Count; // vectors per tile row
        var stride = columns / Vector<float>.Count; // vectors per matrix row
        var (s, six, e4m3, e2m1) = (new Vector<float>(sGlobal), new Vector<float>(6f), E4M3, E2M1);
        for (var t = 0; t < stride; t += perRow)
        {
            var m = Vector<float>.Zero;
            for (var r = 0; r < Tile; r++)
                for (var j = 0; j < perRow; j++) m = Vector.MaxNative(m, BlockLanes.FiniteAbs(sources[r * stride + t + j]));
            var scale = e4m3.Round(BlockLanes.MaxAcross(m) / six * s); // E4M3(amax / 6 · s_global)
            var safe = Vector.ConditionalSelect(Vector.Equals(scale, Vector<float>.Zero), Vector<float>.One, scale); // 0 -> 1
            for (var r = 0; r < Tile; r++)
            {
                for (var j = 0; j < perRow; j++)
                {
                    var i = r * stride + t + j;
                    destinations[i] = e2m1.Round(sources[i] * s / safe) * scale / s; // two roundings each, in the recipe's order
                }
            }
        }
    }
}
