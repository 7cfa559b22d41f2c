using QuantScope.Engine.Numerics;
using QuantScope.Engine.Numerics.Cpu;
using QuantScope.Engine.Telemetry;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Quantizes one tensor role of a layer (input, weight or output gradient) by its recipe and scaling state, and
/// gives the role's stats row. Shared by the forward roles of <see cref="QuantLinear"/> and its backward
/// (grad) quantizer so that all three follow exactly the same scaling rules.
/// </summary>
internal static class RoleQuantizer
{
    /// <summary>
    /// Fake-quantizes <paramref name="t"/>. Returns the quantized tensor (straight-through gradient when
    /// <paramref name="t"/> requires grad) and a new float64 raw stats vector, the first columns of
    /// <see cref="RawStatsLayout"/> from <see cref="Amax"/> on: this group's columns (amax, amaxPred, scale, elements,
    /// overflow count), and with <paramref name="fullStats"/> also <see cref="QuantErrorStats"/>' and <see cref="HiF8TierStats"/>' columns.
    /// </summary>
    /// <param name="t">The tensor to quantize.</param>
    /// <param name="amax">0-d amax of <paramref name="t"/> (already computed by the caller).</param>
    /// <param name="format">The role's element format.</param>
    /// <param name="state">The role's scaling state: <see cref="DelayedScalingState"/>, <see cref="CurrentScalingState"/>,
    /// or null for a block format that scales itself.</param>
    /// <param name="advance">True in training: delayed states take this step's amax, current states remember their scale.</param>
    /// <param name="fullStats">Compute the error statistics too (a stats step).</param>
    /// <param name="stochastic">The role's stochastic-rounding generator, or null (round to nearest even).</param>
    /// <param name="pictures">With <paramref name="fullStats"/>: also the magnitude histogram and block-scale columns (their cadence).</param>
    public static (Tensor Output, Tensor Stats) Quantize(Tensor t, Tensor amax, INumberFormat format, nn.Module? state, bool advance, bool fullStats, Generator? stochastic = null, bool pictures = true)
    {
        Tensor scale, pred;
        FakeQuantResult result;
        switch (state)
        {
            case DelayedScalingState delayed:
                (scale, pred) = delayed.ScaleFor(amax);
                result = FakeQuantizer.Apply(t, scale, format, fullStats, stochastic, pictures);
                if (advance) delayed.Update(amax);
                break;
            case CurrentScalingState current:
                scale = current.ScaleFor(amax, advance);
                pred = amax.clone();
                result = FakeQuantizer.Apply(t, scale, format, fullStats, stochastic, pictures);
                break;
            default: // block formats: their own scales
                scale = ones_like(amax);
                pred = amax.clone();
                result = FakeQuantizer.ApplyBlock(t, format, fullStats, stochastic, pictures);
                break;
        }

        using (scale)
        using (pred)
        using (result.Stats)
        using (no_grad())
        {
            return (result.Output, Row(amax, pred, scale, result.Stats)); // raw row from Amax on
        }
    }

    // [amax, pred, scale, stats...] as float64. In CPU memory (the CPU kernel's case) written through spans: one new
    // tensor instead of stack, to and cat (their fixed cost per op counts at the demo's sizes, 3 roles x 42 layers a step).
    private static Tensor Row(Tensor amax, Tensor pred, Tensor scale, Tensor stats)
    {
        if (!(OneFloat(amax) && OneFloat(pred) && OneFloat(scale) && stats.device_type == DeviceType.CPU && stats.dtype == ScalarType.Float64 && stats.is_contiguous()))
            return cat([stack([amax, pred, scale]).to(ScalarType.Float64), stats]);
        var row = empty(3 + stats.numel(), dtype: ScalarType.Float64);
        var values = CpuKernel.Doubles(row);
        values[0] = CpuKernel.Value(amax); // CPU memory: no device read
        values[1] = CpuKernel.Value(pred);
        values[2] = CpuKernel.Value(scale);
        CpuKernel.Doubles(stats).CopyTo(values[3..]);
        return row;
    }

    private static bool OneFloat(Tensor t) => CpuKernel.Applies(t) && t.numel() == 1;

    /// <summary>Raw: the role's amax (written alone for a high-precision role), the first column of <see cref="Quantize"/>'s vector.</summary>
    public static readonly RawColumn Amax = new(MetricCatalog.Amax);

    /// <summary>Raw: the amax the scale was computed from (this step's for current and block scaling).</summary>
    public static readonly RawColumn AmaxPred = new(MetricCatalog.AmaxPred);

    /// <summary>Raw: the scale (1 for block formats).</summary>
    public static readonly RawColumn Scale = new(MetricCatalog.Scale);

    /// <summary>Raw: element count of the tensor (<see cref="FakeQuantizer"/>; the shape kernel writes it for a high-precision role).</summary>
    public static readonly RawColumn Elements = new("elements");

    /// <summary>Raw: elements with |x·scale| above the scaling target, NaN included (<see cref="FakeQuantizer"/>).</summary>
    public static readonly RawColumn OverflowCount = new("overflowCount");

    /// <summary>
    /// The quantizer's every-step group: the raw columns <see cref="Quantize"/> writes before the full-stats ones, and
    /// the metrics they give (NaN-free for a quantized role; amax alone for a high-precision one).
    /// </summary>
    public static LayerStatsGroup Group { get; } = new(
        [Amax, AmaxPred, Scale, Elements, OverflowCount],
        [
            new(MetricCatalog.Amax, (raw, _) => raw[Amax.Offset]),
            new(MetricCatalog.AmaxPred, (raw, _) => raw[AmaxPred.Offset]),
            new(MetricCatalog.Scale, (raw, _) => raw[Scale.Offset]),
            new(MetricCatalog.OverflowFraction, (raw, _) => raw[OverflowCount.Offset] / Math.Max(1, raw[Elements.Offset])),
        ]);

    /// <summary>The scaling state a recipe needs (null for block recipes), named <paramref name="name"/>, on <paramref name="device"/> (null = CPU).</summary>
    public static nn.Module? CreateState(string name, IScalingRecipe recipe, INumberFormat format, Device? device = null) => recipe switch
    {
        DelayedScalingRecipe d => new DelayedScalingState(name, d, format, device),
        CurrentScalingRecipe c => new CurrentScalingState(name, c, format, device),
        _ => null,
    };
}
