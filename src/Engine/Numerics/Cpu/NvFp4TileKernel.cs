using System.Numerics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics.Cpu;

/// <summary>
/// <see cref="NvFp4TileFormat"/>'s quantize-dequantize as two passes over a CPU float32 tensor's memory, viewed as
/// [rows, columns] (<see cref="CpuKernel"/>): pass 1 the tensor's largest finite magnitude (s_global); pass 2 band by
/// band of 16 rows: the tiles' finite maxima, their E4M3 scales, the elements scaled, rounded onto E2M1 and
/// dequantized, in place of the tensor-op route's tile permutes (two copies) and dozen passes.
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
            var scratch = new Vector<float>[3 * (columns / Tile)]; // per tile: amax, scale, safe divisor
            for (var b = 0; b < end - first; b++) Band(source.Slice(b * band, band), destination.Slice(b * band, band), columns, sGlobal, scratch);
        });
        return result;
    }

    /// <summary>
    /// One band of 16 rows of <paramref name="columns"/> values: the tiles' maxima row by row, their scales, then the
    /// elements row by row. Row order, not tile by tile: a tile's 16 rows lie a row's length apart (16 KB for 4096
    /// columns), which maps them all to one set of the L1 cache; tile by tile took longer (5.8-9.3 ms of one thread's CPU
    /// time against 4.6 ms, 4 M values, noisy shared machine). <paramref name="scratch"/> holds 3 vectors per tile.
    /// </summary>
    public static void Band(ReadOnlySpan<float> source, Span<float> destination, int columns, float sGlobal, Span<Vector<float>> scratch)
    {
        var sources = MemoryMarshal.Cast<float, Vector<float>>(source);
        var destinations = MemoryMarshal.Cast<float, Vector<float>>(destination);
        var perTile = Tile / Vector<float>.Count; // vectors per tile row
        var stride = columns / Vector<float>.Count; // vectors per matrix row
        var tiles = columns / Tile;
        var maxima = scratch[..tiles];
        var scales = scratch.Slice(tiles, tiles);
        var safes = scratch.Slice(2 * tiles, tiles);
        var (s, six, e4m3, e2m1) = (new Vector<float>(sGlobal), new Vector<float>(6f), E4M3, E2M1);
        maxima.Clear();
        for (var r = 0; r < Tile; r++)
        {
            var row = sources.Slice(r * stride, stride);
            for (var t = 0; t < tiles; t++)
                for (var j = 0; j < perTile; j++) maxima[t] = Vector.MaxNative(maxima[t], BlockLanes.FiniteAbs(row[t * perTile + j]));
        }

        for (var t = 0; t < tiles; t++)
        {
            scales[t] = e4m3.Round(BlockLanes.MaxAcross(maxima[t]) / six * s); // E4M3(amax / 6 · s_global)
            safes[t] = Vector.ConditionalSelect(Vector.Equals(scales[t], Vector<float>.Zero), Vector<float>.One, scales[t]); // 0 -> 1
        }

        for (var r = 0; r < Tile; r++)
        {
            var row = sources.Slice(r * stride, stride);
            var output = destinations.Slice(r * stride, stride);
            for (var t = 0; t < tiles; t++)
            {
                var (scale, safe) = (scales[t], safes[t]);
                for (var j = t * perTile; j < (t + 1) * perTile; j++) output[j] = e2m1.Round(row[j] * s / safe) * scale / s; // two roundings each, in the recipe's order
            }
        }
    }
}
