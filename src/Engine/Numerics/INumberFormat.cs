using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// A number format that can fake-quantize a tensor (quantize then dequantize, same shape and dtype) and list its grid.
/// For element formats (FP8, HiF8) the grid is the value grid itself. For scaled formats (INT-n, MX, NVFP4) the
/// limits and <see cref="RepresentableValues"/> describe the element grid in units of the scale.
/// </summary>
public interface INumberFormat
{
    /// <summary>Lower-case registry name, e.g. <c>e4m3</c> or <c>hif8</c>.</summary>
    string Name { get; }

    /// <summary>Largest finite magnitude of the (element) grid.</summary>
    double MaxValue { get; }

    /// <summary>Smallest positive normal magnitude of the (element) grid.</summary>
    double MinNormal { get; }

    /// <summary>Smallest positive magnitude of the (element) grid.</summary>
    double MinSubnormal { get; }

    /// <summary>Quantize-dequantize; NaN stays NaN. Same shape and dtype as <paramref name="x"/>.</summary>
    Tensor QuantizeDequantize(Tensor x);

    /// <summary>Every representable non-negative finite (element) value, ascending, starting with 0.</summary>
    IReadOnlyList<double> RepresentableValues();
}
