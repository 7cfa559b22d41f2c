using System.Diagnostics.CodeAnalysis;
using QuantScope.Engine.Numerics;
using QuantScope.Web.Api;

namespace QuantScope.Web.Formats;

/// <summary>Describes the engine's number formats for the API and the formats page. Pure: no tensors.</summary>
public static class FormatCatalog
{
    /// <summary>Shown with every format: there is no float8/float4 arithmetic here.</summary>
    public const string EmulationNote =
        "Emulated with float32 tensor ops (TorchSharp has no float8/float4 dtype): values are rounded exactly onto the grid, not computed in low precision.";

    /// <summary>Every listed format, in <see cref="NumberFormats.Names"/> order.</summary>
    public static IReadOnlyList<FormatDto> List() =>
        NumberFormats.Names.Select(n => Describe(NumberFormats.Get(n))).ToList();

    /// <summary>Finds a format by name (case-insensitive); false when unknown.</summary>
    public static bool TryFind(string name, [MaybeNullWhen(false)] out INumberFormat format) =>
        NumberFormats.TryGet(name, out format);

    /// <summary>The listed properties of <paramref name="format"/>.</summary>
    public static FormatDto Describe(INumberFormat format)
    {
        var blockSize = ValueQuantizer.BlockSize(format);
        return new FormatDto(
            format.Name, Kind(format), format.MaxValue, format.MinNormal, format.MinSubnormal,
            Math.Log2(format.MaxValue / format.MinSubnormal), format.RepresentableValues().Count,
            blockSize is not null, blockSize, EmulationNote);
    }

    /// <summary>The properties and the grid of <paramref name="format"/>.</summary>
    public static FormatDetailDto Detail(INumberFormat format) => new(Describe(format), format.RepresentableValues());

    /// <summary><c>float</c>, <c>int</c> or <c>block</c>.</summary>
    public static string Kind(INumberFormat format) => format switch
    {
        IntFormat => "int",
        MxFormat or NvFp4Format => "block",
        _ => "float",
    };
}
