using System.Numerics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics.Cpu;

/// <summary>The vector loop every element-grid kernel runs: one rounding over a span, the tail through the same code.</summary>
internal static class RoundingPass
{
    /// <summary>
    /// Rounds <paramref name="source"/> with <paramref name="rounding"/> into <paramref name="destination"/> (both where
    /// <see cref="CpuKernel.Applies"/>, same length; the same tensor rounds in place), in <see cref="CpuKernel.Parts"/>
    /// parts, and returns the destination.
    /// </summary>
    public static Tensor Into<TRounding>(Tensor source, Tensor destination, TRounding rounding)
        where TRounding : struct, IVectorRounding
    {
        var count = source.numel();
        CpuKernel.For(count, CpuKernel.Parts(count), (_, start, length) =>
            Round(CpuKernel.Floats(source).Slice(start, length), CpuKernel.Floats(destination).Slice(start, length), rounding));
        return destination;
    }

    /// <summary>
    /// Rounds <paramref name="source"/> into <paramref name="destination"/> (same length; may be the same memory) with
    /// <paramref name="rounding"/> (a struct, so the call is compiled per grid with its rounding inlined).
    /// </summary>
    public static void Round<TRounding>(ReadOnlySpan<float> source, Span<float> destination, TRounding rounding)
        where TRounding : struct, IVectorRounding
    {
        var width = Vector<float>.Count;
        var whole = source.Length - source.Length % width;
        var sources = MemoryMarshal.Cast<float, Vector<float>>(source[..whole]);
        var destinations = MemoryMarshal.Cast<float, Vector<float>>(destination[..whole]);
        for (var i = 0; i < sources.Length; i++) destinations[i] = rounding.Round(sources[i]);
        if (whole == source.Length) return;

        // The tail through the same vector code, padded with zeros, so every element takes the same operations.
        Span<float> tail = stackalloc float[width];
        tail.Clear();
        source[whole..].CopyTo(tail);
        var rounded = rounding.Round(new Vector<float>(tail));
        for (var i = whole; i < source.Length; i++) destination[i] = rounded[i - whole];
    }
}
