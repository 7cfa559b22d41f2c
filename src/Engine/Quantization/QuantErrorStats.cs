using QuantScope.Engine.Numerics;
using QuantScope.Engine.Telemetry;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Error statistics of a quantized tensor against its original, split for cost (see STACK-FACTS): the device produces
/// counts and sums in a few reductions (<c>count_nonzero</c>, <c>dot</c>), nothing syncs; the host divides and takes
/// logarithms once per logging window. On the CPU the fake quantizer counts and sums the same columns inside its own
/// pass (<see cref="Numerics.Cpu.FakeQuantKernel"/>: the counts identical, the sums in float64 rather than libtorch's
/// float32 dot, so they agree to float32 rounding), so full statistics cost it almost nothing there.
/// </summary>
public static class QuantErrorStats
{
    /// <summary>SQNR reported for a lossless tensor (no error at all), dB; also the cap of any SQNR.</summary>
    public const double LosslessSqnrDb = 300.0;

    /// <summary>
    /// Device: int64 [nonzero x, nonzero q] and float32 [Σ(q - x)², Σx²] of <paramref name="q"/> (the dequantized
    /// values) against <paramref name="x"/>. q is 0 wherever x is 0 (every format keeps zero), so the difference of the
    /// counts is the underflow count.
    /// </summary>
    public static (Tensor Counts, Tensor Energies) Sums(Tensor x, Tensor q)
    {
        using var scope = NewDisposeScope();
        var flatX = x.detach().reshape(-1);
        var flatQ = q.detach().reshape(-1);
        var diff = flatQ.sub(flatX);
        var counts = stack([flatX.count_nonzero(), flatQ.count_nonzero()]);
        var energies = stack([diff.dot(diff), flatX.dot(flatX)]);
        return (counts.MoveToOuterDisposeScope(), energies.MoveToOuterDisposeScope());
    }

    /// <summary>Device: elements of the scaled tensor above <paramref name="limit"/> in magnitude (NaN counts too), 0-d int64.</summary>
    public static Tensor OverflowCount(Tensor scaled, double limit)
    {
        using var scope = NewDisposeScope();
        // Elements beyond ±limit are exactly those changed by the clamp (count_nonzero is far cheaper than bool.sum()).
        return scaled.sub(ScalarOps.ClampSymmetric(scaled, limit)).count_nonzero().MoveToOuterDisposeScope();
    }

    // Raw columns of Sums, in its order (counts, then energies), written on stats steps by the quantizer.
    internal static readonly RawColumn NonzeroInput = new("nonzeroInput"), NonzeroQuantized = new("nonzeroQuantized"), ErrorEnergy = new("errorEnergy");

    /// <summary>Raw: Σx² (the weight row's gives the weight norm; the input row's the kurtosis' second moment).</summary>
    internal static readonly RawColumn SignalEnergy = new("signalEnergy");

    /// <summary>The raw columns of <see cref="Sums"/> and the metrics they give on stats steps (NaN when the quantizer did not count them).</summary>
    internal static LayerStatsGroup Group { get; } = new(
        [NonzeroInput, NonzeroQuantized, ErrorEnergy, SignalEnergy],
        [
            new(MetricCatalog.UnderflowFraction, (raw, _) => Counted(raw)
                ? UnderflowFraction(raw[RoleQuantizer.Elements.Offset], raw[NonzeroInput.Offset], raw[NonzeroQuantized.Offset]) : double.NaN),
            new(MetricCatalog.Mse, (raw, _) => Counted(raw) ? Mse(raw[RoleQuantizer.Elements.Offset], raw[ErrorEnergy.Offset]) : double.NaN),
            new(MetricCatalog.SqnrDb, (raw, _) => Counted(raw) ? SqnrDb(raw[ErrorEnergy.Offset], raw[SignalEnergy.Offset]) : double.NaN),
        ]);

    private static bool Counted(ReadOnlySpan<double> raw) => !double.IsNaN(raw[NonzeroInput.Offset]);

    /// <summary>Host: (nonzero elements of x that became 0) / all elements.</summary>
    public static double UnderflowFraction(double elements, double nonzeroInput, double nonzeroQuantized) =>
        (nonzeroInput - nonzeroQuantized) / Math.Max(1, elements);

    /// <summary>Host: mean((q - x)²) in x's units squared.</summary>
    public static double Mse(double elements, double errorEnergy) => errorEnergy / Math.Max(1, elements);

    /// <summary>
    /// Host: 10·log10(Σx² / Σ(q - x)²) dB, capped at <see cref="LosslessSqnrDb"/> (which a lossless tensor gets);
    /// -∞ for an all-zero x that quantized to nonzero values, NaN when either sum is NaN.
    /// </summary>
    public static double SqnrDb(double errorEnergy, double signalEnergy)
    {
        if (errorEnergy == 0) return LosslessSqnrDb;
        return Math.Min(LosslessSqnrDb, 10 * Math.Log10(signalEnergy / errorEnergy));
    }
}
