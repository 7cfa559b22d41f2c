using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// Symmetric INT-n (n = 2..8) with an absmax scale; see <see cref="IntQuantizer"/>. The element grid
/// (<see cref="MaxValue"/>, <see cref="RepresentableValues"/>) is in units of the scale: integers 0..2^(n-1)-1.
/// </summary>
/// <param name="Bits">Width n, 2..8.</param>
public sealed record IntFormat(int Bits) : INumberFormat
{
    /// <summary>Bits validated once here.</summary>
    public int Bits { get; } = Bits is >= 2 and <= 8 ? Bits : throw new ArgumentOutOfRangeException(nameof(Bits), Bits, "INT width must be 2..8 bits.");

    /// <summary>Which elements share a scale; per channel by default (the usual weight setting).</summary>
    public IntGranularity Granularity { get; init; } = IntGranularity.PerChannel;

    /// <summary>Group size G (16..1024) when <see cref="Granularity"/> is PerGroup; ignored otherwise.</summary>
    public int GroupSize { get; init; }

    /// <summary>Per-group factory, e.g. <c>IntFormat.PerGroup(4, 128)</c>.</summary>
    public static IntFormat PerGroup(int bits, int groupSize) =>
        new(bits) { Granularity = IntGranularity.PerGroup, GroupSize = IntQuantizer.ValidateGroupSize(groupSize) };

    /// <summary><c>intN</c>, with <c>-gG</c> appended for per-group and <c>-pt</c> for per-tensor.</summary>
    public string Name => Granularity switch
    {
        IntGranularity.PerGroup => $"int{Bits}-g{GroupSize}",
        IntGranularity.PerTensor => $"int{Bits}-pt",
        _ => $"int{Bits}",
    };

    /// <summary>Largest level, 2^(n-1) - 1 (the symmetric grid never uses -2^(n-1)).</summary>
    public double MaxValue => (1 << (Bits - 1)) - 1;

    /// <summary>1 scale unit.</summary>
    public double MinNormal => 1.0;

    /// <summary>1 scale unit.</summary>
    public double MinSubnormal => 1.0;

    /// <inheritdoc/>
    public Tensor QuantizeDequantize(Tensor x) => IntQuantizer.QuantizeDequantize(x, this, Granularity, GroupSize);

    /// <summary>Levels 0, 1, .., 2^(n-1) - 1 in scale units.</summary>
    public IReadOnlyList<double> RepresentableValues() => Enumerable.Range(0, (int)MaxValue + 1).Select(i => (double)i).ToList();
}
