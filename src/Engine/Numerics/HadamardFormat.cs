using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// Any format seen through the random Hadamard transform: Q(x) = H⁻¹(Inner(H(x))) along the last dim in blocks of 16
/// (<see cref="HadamardTransform"/>), so the result is in x's own basis and the model's function is unchanged but for
/// the quantization error. Named <c>FORMAT-rht</c> (<c>nvfp4-rht</c>, <c>mxfp4-rht</c>, <c>e4m3-rht</c>); a rule's
/// <c>"hadamard": true</c> picks it, and as a what-if format it shows what the transform buys (<c>whatIf.nvfp4-rht.*</c>
/// beside <c>whatIf.nvfp4.*</c>). Limits and grid are the inner format's (they describe the transformed values).
/// </summary>
/// <param name="Inner">The format the transformed values are cast to.</param>
public sealed record HadamardFormat(INumberFormat Inner) : INumberFormat
{
    /// <summary>Suffix of the names.</summary>
    public const string Suffix = "-rht";

    /// <inheritdoc/>
    public string Name => Inner.Name + Suffix;

    /// <inheritdoc/>
    public double MaxValue => Inner.MaxValue;

    /// <inheritdoc/>
    public double MinNormal => Inner.MinNormal;

    /// <inheritdoc/>
    public double MinSubnormal => Inner.MinSubnormal;

    /// <summary>H⁻¹(Inner(H(x))); the last dim must be a multiple of 16 (and of the inner format's block).</summary>
    public Tensor QuantizeDequantize(Tensor x)
    {
        using var scope = NewDisposeScope();
        return HadamardTransform.Inverse(Inner.QuantizeDequantize(HadamardTransform.Apply(x))).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public IReadOnlyList<double> RepresentableValues() => Inner.RepresentableValues();
}
