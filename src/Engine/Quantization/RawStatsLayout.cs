namespace QuantScope.Engine.Quantization;

/// <summary>
/// Columns of a <see cref="QuantLinear"/>'s device-side raw stats buffer ([roles, <see cref="Width"/>] float64): the
/// counts and sums the quantizer and the stats kernels produce, not yet divided or combined. The host turns them into
/// the metrics of <see cref="LayerStatsLayout"/> once per logging window (<see cref="LayerStatsFinalizer"/>), so a stats
/// step costs a few reductions per tensor and no per-value scalar ops on the device. A column never written is NaN.
/// </summary>
internal static class RawStatsLayout
{
    public const int Amax = 0;
    public const int AmaxPred = 1;
    public const int Scale = 2;

    /// <summary>Element count of the tensor (written by the quantizer; the shape kernel writes it for a high-precision input).</summary>
    public const int Elements = 3;

    /// <summary>Elements with |x·scale| above the scaling target (NaN counts too).</summary>
    public const int OverflowCount = 4;

    /// <summary>First of the quantizer's full-stats columns: nonzero x, nonzero q, Σ(q - x)², Σx².</summary>
    public const int NonzeroInput = 5;
    public const int NonzeroQuantized = 6;
    public const int ErrorEnergy = 7;

    /// <summary>Σx² (the weight row's gives the weight norm; the input row's the kurtosis' second moment).</summary>
    public const int SignalEnergy = 8;

    /// <summary>First of <see cref="HiF8TierStats.Bins"/> HiF8 magnitude bins (counts).</summary>
    public const int Hif8Bins = 9;

    /// <summary>Σx, Σx³, Σx⁴ of the input (kurtosis).</summary>
    public const int SumX = Hif8Bins + HiF8TierStats.Bins;
    public const int SumX3 = SumX + 1;
    public const int SumX4 = SumX + 2;

    /// <summary>Median over channels of the per-channel absmax of the input.</summary>
    public const int ChannelMedian = SumX + 3;

    /// <summary>First of the error split's three relative errors (weight only, input only, both), already final.</summary>
    public const int ErrorSplit = ChannelMedian + 1;

    /// <summary>||dL/dW|| (weight row), already final.</summary>
    public const int GradNorm = ErrorSplit + 3;

    /// <summary>Columns per role.</summary>
    public const int Width = GradNorm + 1;

    /// <summary>Values of a quantizer's stats vector from <see cref="Elements"/> on: elements and overflow only.</summary>
    public const int QuantizerWidth = 2;

    /// <summary>Values of a quantizer's stats vector with full stats: through the HiF8 bins.</summary>
    public const int QuantizerFullWidth = SumX - Elements;
}
