using System.Diagnostics.CodeAnalysis;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// Looks formats up by name (case-insensitive): <c>e4m3</c>, <c>e5m2</c>, <c>e2m1</c>, <c>hif8</c>, <c>intN</c> (N 2..8,
/// per channel), <c>intN-pt</c> (per tensor), <c>intN-gG</c> (per group of G, 16..1024), <c>mxfp8-e4m3</c>,
/// <c>mxfp8-e5m2</c>, <c>mxfp4</c>, <c>nvfp4</c>; and, for the FP4 training recipe, <c>nvfp4-2d</c> (16 × 16 tile scales,
/// <see cref="NvFp4TileFormat"/>) and any of them seen through the random Hadamard transform, <c>FORMAT-rht</c>
/// (<see cref="HadamardFormat"/>): these two kinds are known by name but not listed in <see cref="Names"/>. Immutable:
/// no registration at run time.
/// </summary>
public static class NumberFormats
{
    /// <summary>The fixed names (INT shown as int4 and int8).</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["e4m3", "e5m2", "e2m1", "hif8", "int8", "int4", "mxfp8-e4m3", "mxfp8-e5m2", "mxfp4", "nvfp4"];

    /// <summary>Finds a format by name; false when unknown or malformed.</summary>
    public static bool TryGet(string name, [MaybeNullWhen(false)] out INumberFormat format)
    {
        format = name.ToLowerInvariant() switch
        {
            "e4m3" => FloatFormat.E4M3,
            "e5m2" => FloatFormat.E5M2,
            "e2m1" => FloatFormat.E2M1,
            "hif8" => HiF8Format.Instance,
            "mxfp8-e4m3" => MxFormat.Mxfp8E4M3,
            "mxfp8-e5m2" => MxFormat.Mxfp8E5M2,
            "mxfp4" => MxFormat.Mxfp4,
            "nvfp4" => NvFp4Format.Instance,
            "nvfp4-2d" => NvFp4TileFormat.Instance,
            var s when s.EndsWith(HadamardFormat.Suffix, StringComparison.Ordinal) && s.Length > HadamardFormat.Suffix.Length =>
                TryGet(s[..^HadamardFormat.Suffix.Length], out var inner) && inner is not HadamardFormat ? new HadamardFormat(inner) : null,
            var s => ParseInt(s),
        };
        return format is not null;
    }

    /// <summary>Like <see cref="TryGet"/> but throws.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static INumberFormat Get(string name) =>
        TryGet(name, out var f) ? f : throw new ArgumentException($"Unknown number format '{name}'.", nameof(name));

    private static IntFormat? ParseInt(string s)
    {
        if (!s.StartsWith("int", StringComparison.Ordinal) || s.Length < 4 || s[3] is < '2' or > '8') return null;
        var bits = s[3] - '0';
        var rest = s[4..];
        if (rest.Length == 0) return new IntFormat(bits);
        if (rest == "-pt") return new IntFormat(bits) { Granularity = IntGranularity.PerTensor };
        return rest.StartsWith("-g", StringComparison.Ordinal) && int.TryParse(rest[2..], out var g) && g is >= 16 and <= 1024
            ? IntFormat.PerGroup(bits, g)
            : null;
    }
}
